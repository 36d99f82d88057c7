/// Filters for listing runs; nil means any.
public struct RunFilter: Sendable, Hashable {
    public var pipeline: PipelineKind?
    public var status: RunStatus?
    public var asset: AssetID?
    public var trigger: RunTrigger?
    public init(pipeline: PipelineKind? = nil, status: RunStatus? = nil, asset: AssetID? = nil, trigger: RunTrigger? = nil) {
        self.pipeline = pipeline; self.status = status; self.asset = asset; self.trigger = trigger
    }
}

/// What ``RunStore/enqueue(_:requestHash:)`` did.
public struct EnqueueResult: Sendable, Hashable {
    public enum Disposition: Sendable, Hashable {
        /// The run was stored as given.
        case created
        /// A run with the same idempotency key exists; it is returned. `sameRequest` is false
        /// when it was made from a different request body (the caller should refuse).
        case sameIdempotencyKey(sameRequest: Bool)
        /// An identical run (same pipeline and asset) is still queued; it is returned.
        case alreadyQueued
    }

    public var run: Run
    public var disposition: Disposition
    public init(run: Run, disposition: Disposition) { self.run = run; self.disposition = disposition }
}

/// The durable run queue, shared by the scheduler, the API and the worker pool.
///
/// Invariant: at most one run per (pipeline, asset) is `running`, where a run for every
/// asset (`asset` nil) overlaps every asset of its pipeline.
public protocol RunStore: Sendable {
    /// Stores a queued run, honouring its idempotency key (the same key returns the existing
    /// run; `requestHash` is kept with the key so reuse with another body is detected) and
    /// coalescing with an identical queued run.
    func enqueue(_ run: Run, requestHash: String?) throws -> EnqueueResult
    /// Atomically takes the oldest queued run that may start (no overlapping run running),
    /// marks it `running` with `startedAt = now`, and returns it; nil when none may start.
    func claimNext(now: Timestamp) throws -> Run?
    /// Writes the mutable fields of a stored run (status, times, attempt, progress, result,
    /// error, reason). ``StoreError/notFound(_:)`` for an unknown id.
    func update(_ run: Run) throws
    /// Finishes a queued or running run. ``StoreError/conflict(_:)`` when it already finished.
    @discardableResult
    func finish(id: ULID, status: RunStatus, result: JSONValue?, error: RunError?, at: Timestamp) throws -> Run
    func run(id: ULID) throws -> Run?
    /// Runs newest first (cursor: requested time and id); `from`/`to` bound the requested time.
    func runs(filter: RunFilter, query: PageQuery) throws -> Page<Run>
    /// Cancels a queued run. Returns the run after the attempt (status `cancelled` when it
    /// was queued, unchanged otherwise), nil for an unknown id.
    func cancel(id: ULID, at: Timestamp) throws -> Run?
    /// At start-up: every `running` run becomes `failed` with ``RunError/interrupted``.
    /// Returns how many.
    func markInterrupted(at: Timestamp) throws -> Int
    /// The newest run of the pipeline for the asset (nil: the all-assets runs), optionally
    /// with the given status.
    func lastRun(pipeline: PipelineKind, asset: AssetID?, status: RunStatus?) throws -> Run?
    /// Runs waiting in the queue.
    func queueDepth() throws -> Int
}
