public import Domain

extension JSONWriter {
    /// A drift report as `/v1/assets/{asset}/drift` and its list give it.
    public mutating func driftReport(_ r: DriftReport) {
        beginObject()
        field("id", r.id.string)
        field("asset", r.asset.rawValue)
        field("feature_set", r.featureSet)
        field("created_at", r.createdAt)
        key("reference_window"); beginObject(); field("from", r.referenceFrom); field("to", r.referenceTo); endObject()
        key("recent_window"); beginObject(); field("from", r.currentFrom); field("to", r.currentTo); endObject()
        field("score", r.score)
        field("share_drifted", r.shareDrifted)
        field("detected", r.detected)
        field("consecutive", r.consecutive)
        field("deciding_features", r.features.filter(\.deciding).count)
        key("features"); beginArray()
        for f in r.features {
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
        field("triggered_run_id", r.triggeredRunID?.string)
        key("links"); beginObject()
        field("self", "/v1/assets/\(r.asset.rawValue)/drift/reports")
        field("triggered_run", r.triggeredRunID.map { "/v1/runs/\($0.string)" })
        endObject()
        endObject()
    }

    /// One alert episode; `status` is `open` until it is resolved.
    public mutating func alert(_ a: Alert) {
        beginObject()
        field("id", a.id.string)
        field("asset", a.asset?.rawValue)
        field("kind", a.kind.rawValue)
        field("severity", a.severity.rawValue)
        field("status", a.resolvedAt == nil ? "open" : "resolved")
        field("message", a.message)
        field("value", a.value)
        field("threshold", a.threshold)
        field("raised_at", a.raisedAt)
        field("resolved_at", a.resolvedAt)
        endObject()
    }
}
