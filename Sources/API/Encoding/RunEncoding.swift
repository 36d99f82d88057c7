public import Domain

extension JSONWriter {
    /// A run as the contract's `Run` schema.
    public mutating func run(_ r: Run) {
        beginObject()
        field("id", r.id.string)
        field("pipeline", r.pipeline.rawValue)
        field("asset", r.asset?.rawValue)
        field("trigger", r.trigger.rawValue)
        field("status", r.status.rawValue)
        field("requested_at", r.requestedAt)
        field("started_at", r.startedAt)
        field("finished_at", r.finishedAt)
        field("attempt", r.attempt)
        field("progress", r.progress)
        field("reason", r.reason)
        key("result"); if let res = r.result { value(res) } else { null() }
        key("error")
        if let e = r.error {
            beginObject()
            field("type", "urn:sentinel:problem:run-\(e.code)")
            field("title", e.code)
            field("detail", e.message)
            endObject()
        } else {
            null()
        }
        key("links"); beginObject(); field("self", "/v1/runs/\(r.id)"); endObject()
        endObject()
    }
}
