public import Domain

/// The JSON `data:` of each Server-Sent Event: `{"asset": …, "<subject>": {…}}`, where the
/// subject is the resource the event is about in the contract's own shape (a run, a
/// production change) or a compact form of it (predictions, drift reports, alerts).
public enum EventPayload {
    /// The UTF-8 JSON payload of `event`.
    public static func json(_ event: DomainEvent) -> [UInt8] {
        var w = JSONWriter(capacity: 768)
        w.beginObject()
        switch event {
        case .predictionCreated(let p), .predictionValidated(let p):
            w.field("asset", p.asset.rawValue)
            w.key("prediction"); w.eventPrediction(p)
        case .runStarted(let r), .runFinished(let r):
            w.field("asset", r.asset?.rawValue)
            w.key("run"); w.run(r)
        case .modelPromoted(let c), .modelRolledBack(let c):
            w.field("asset", c.asset.rawValue)
            w.key("change"); w.productionChange(c)
        case .driftDetected(let d):
            w.field("asset", d.asset.rawValue)
            w.key("report"); w.eventDriftReport(d)
        case .alertRaised(let a):
            w.field("asset", a.asset?.rawValue)
            w.key("alert"); w.eventAlert(a)
        }
        w.endObject()
        return w.bytes
    }
}

extension JSONWriter {
    /// A prediction as the contract's `Prediction` fields that do not need a store lookup.
    mutating func eventPrediction(_ p: Prediction) {
        beginObject()
        field("id", p.id.string)
        field("asset", p.asset.rawValue)
        field("made_at", p.madeAt)
        field("bar_time", p.barTime)
        field("target_time", p.targetTime)
        field("horizon_minutes", Int((p.targetTime.milliseconds - p.barTime.milliseconds) / 60_000))
        field("price", p.price)
        field("predicted_return", p.predictedReturn)
        field("predicted_price", p.predictedPrice)
        field("direction", p.direction.rawValue)
        field("confidence", p.confidence)
        field("regime", p.regime)
        key("model"); beginObject()
        field("id", p.modelID.string)
        field("family", p.modelFamily.rawValue)
        field("skill", p.modelSkill)
        endObject()
        field("shadow", p.shadow)
        field("feature_set", p.featureSet)
        field("features_sha256", p.featuresSHA256)
        key("validation"); beginObject()
        field("status", p.validation.isValidated ? "validated" : "pending")
        field("outcome", p.validation.outcome?.rawValue)
        field("actual_price", p.validation.actualPrice)
        field("actual_time", p.validation.actualTime)
        field("error", p.validation.error)
        field("note", p.validation.note)
        endObject()
        key("links"); beginObject(); field("self", "/v1/predictions/\(p.id)"); endObject()
        endObject()
    }

    /// A drift report's summary and its per-feature statistics.
    mutating func eventDriftReport(_ d: DriftReport) {
        beginObject()
        field("id", d.id.string)
        field("asset", d.asset.rawValue)
        field("feature_set", d.featureSet)
        field("created_at", d.createdAt)
        key("reference"); beginObject(); field("from", d.referenceFrom); field("to", d.referenceTo); endObject()
        key("current"); beginObject(); field("from", d.currentFrom); field("to", d.currentTo); endObject()
        field("score", d.score)
        field("share_drifted", d.shareDrifted)
        field("detected", d.detected)
        field("consecutive", d.consecutive)
        field("triggered_run_id", d.triggeredRunID?.string)
        key("features"); beginArray()
        for f in d.features {
            beginObject()
            field("feature", f.feature)
            field("ks_statistic", f.ksStatistic)
            field("p_value", f.pValue)
            field("adjusted_p_value", f.adjustedPValue)
            field("psi", f.psi)
            field("drifted", f.drifted)
            field("deciding", f.deciding)
            endObject()
        }
        endArray()
        endObject()
    }

    /// An alert episode.
    mutating func eventAlert(_ a: Alert) {
        beginObject()
        field("id", a.id.string)
        field("asset", a.asset?.rawValue)
        field("kind", a.kind.rawValue)
        field("severity", a.severity.rawValue)
        field("message", a.message)
        field("value", a.value)
        field("threshold", a.threshold)
        field("raised_at", a.raisedAt)
        field("resolved_at", a.resolvedAt)
        endObject()
    }
}
