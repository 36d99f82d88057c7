/// The pipelines a run can execute.
public enum PipelineKind: String, Sendable, Hashable, Codable, CaseIterable {
    case feature, training, inference, validation, drift, alerts
}

/// What asked for a run.
public enum RunTrigger: String, Sendable, Hashable, Codable, CaseIterable {
    case schedule, api, cli, drift, promotion
}

/// A run's life: queued → running → succeeded | failed; queued → cancelled.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// Why a run failed, as a problem the API can render.
public struct RunError: Sendable, Hashable, Codable, Error {
    public var code: String
    public var message: String
    public init(code: String, message: String) { self.code = code; self.message = message }
    /// The process that ran it died (found `running` at start-up).
    public static let interrupted = RunError(code: "interrupted", message: "the process running it stopped before it finished")
}

/// One execution of a pipeline, durable in the store's run queue.
public struct Run: Sendable, Hashable, Codable {
    public var id: ULID
    public var pipeline: PipelineKind
    /// nil: every configured asset.
    public var asset: AssetID?
    public var trigger: RunTrigger
    public var status: RunStatus
    public var requestedAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var attempt: Int
    public var progress: Double?
    public var result: JSONValue?
    public var error: RunError?
    /// Free-text reason, e.g. the drift report that caused it.
    public var reason: String?
    public var idempotencyKey: String?

    public init(id: ULID, pipeline: PipelineKind, asset: AssetID?, trigger: RunTrigger, status: RunStatus = .queued,
                requestedAt: Timestamp, startedAt: Timestamp? = nil, finishedAt: Timestamp? = nil, attempt: Int = 1,
                progress: Double? = nil, result: JSONValue? = nil, error: RunError? = nil, reason: String? = nil,
                idempotencyKey: String? = nil) {
        self.id = id; self.pipeline = pipeline; self.asset = asset; self.trigger = trigger; self.status = status
        self.requestedAt = requestedAt; self.startedAt = startedAt; self.finishedAt = finishedAt; self.attempt = attempt
        self.progress = progress; self.result = result; self.error = error; self.reason = reason
        self.idempotencyKey = idempotencyKey
    }
}
