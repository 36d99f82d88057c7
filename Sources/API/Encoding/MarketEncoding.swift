public import Domain

extension JSONWriter {
    /// A bar as the contract's `Bar` schema.
    public mutating func bar(_ b: Bar) {
        beginObject()
        field("time", b.time)
        field("open", b.open)
        field("high", b.high)
        field("low", b.low)
        field("close", b.close)
        field("volume", b.volume)
        endObject()
    }

    /// A feature row as the contract's `FeatureRow` schema: features by name, NaN as null.
    public mutating func featureRow(_ r: FeatureRow, columns: [String]) {
        beginObject()
        field("time", r.time)
        field("close", r.close)
        field("feature_set", r.featureSet)
        field("complete", r.isComplete)
        key("features")
        beginObject()
        for (i, name) in columns.enumerated() where i < r.values.count {
            key(name); value(r.values[i])
        }
        endObject()
        key("targets")
        if let t = r.targets {
            beginObject()
            field("future_price", t.futurePrice)
            field("target_return", t.targetReturn)
            field("target_log_return", t.targetLogReturn)
            field("target_direction", t.targetDirection)
            endObject()
        } else {
            null()
        }
        endObject()
    }

    /// `{"items": [...], "next_cursor": ..., "as_of": ...}` around items written by `body`.
    public mutating func page(nextCursor: String?, asOf: Timestamp, freshness: Freshness? = nil,
                              items body: (inout JSONWriter) -> Void) {
        beginObject()
        key("items")
        beginArray()
        body(&self)
        endArray()
        field("next_cursor", nextCursor)
        markStable()
        field("as_of", asOf)
        if let freshness { freshness.write(to: &self) }
        endObject()
    }
}
