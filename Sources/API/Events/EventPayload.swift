public import Domain

/// The JSON `data:` of each Server-Sent Event: `{"asset": …, "<subject>": {…}}`, where the
/// subject is the resource the event is about, in the contract's own shape (the same
/// encoders as the routes: a prediction, a run, a production change, a drift report, an alert).
public enum EventPayload {
    /// The UTF-8 JSON payload of `event`.
    public static func json(_ event: DomainEvent) -> [UInt8] {
        var w = JSONWriter(capacity: 768)
        w.beginObject()
        switch event {
        case .predictionCreated(let p), .predictionValidated(let p):
            w.field("asset", p.asset.rawValue)
            w.key("prediction"); w.prediction(p)
        case .runStarted(let r), .runFinished(let r):
            w.field("asset", r.asset?.rawValue)
            w.key("run"); w.run(r)
        case .modelPromoted(let c), .modelRolledBack(let c):
            w.field("asset", c.asset.rawValue)
            w.key("change"); w.productionChange(c)
        case .driftDetected(let d):
            w.field("asset", d.asset.rawValue)
            w.key("report"); w.driftReport(d)
        case .alertRaised(let a):
            w.field("asset", a.asset?.rawValue)
            w.key("alert"); w.alert(a)
        }
        w.endObject()
        return w.bytes
    }
}
