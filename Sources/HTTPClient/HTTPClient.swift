import Synchronization

/// An outbound HTTP client over libcurl that never blocks Swift's cooperative pool.
///
/// - The `async` ``send(_:)`` queues the request to a fixed pool of worker threads the
///   client owns (``HTTPClientConfiguration/workerThreads``); each worker keeps one easy
///   handle, so its connections are reused. The continuation resumes from that thread.
/// - The blocking ``sendBlocking(_:)`` performs the transfer on the calling thread with a
///   handle from an idle pool. Call it only from threads you own (pipelines, jobs).
///
/// Every transfer has a connect and a total timeout, a low-speed abort, a response size
/// cap, no redirects, `http`/`https` only, and no signals. HTTP error statuses are
/// responses, not errors: the caller decides what a 429 means.
///
/// ```swift
/// let client = HTTPClient()
/// let response = try await client.send(.get("https://api.coingecko.com/api/v3/ping"))
/// ```
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let queue = TransferQueue()
    private let idleHandles = Mutex<[EasyHandle]>([])

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
        var started = 0
        for _ in 0..<max(1, configuration.workerThreads) {
            let queue = self.queue
            let config = configuration
            if startThread({
                let handle = EasyHandle()
                while let job = queue.take() {
                    if job.cancellation.isCancelled { job.deliver(.failure(.cancelled)); continue }
                    job.deliver(handle.perform(job.request, config, cancellation: job.cancellation))
                }
            }) { started += 1 }
        }
        // Without a worker nothing would ever serve the queue: fail async sends at once.
        if started == 0 { queue.close() }
    }

    deinit { queue.close() }

    /// Sends `request` on one of the client's worker threads. Cancelling the calling task
    /// aborts the transfer (`.cancelled`).
    public func send(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let cancellation = CancellationFlag()
        let result: Result<HTTPResponse, HTTPClientError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let job = TransferJob(request: request, cancellation: cancellation) { continuation.resume(returning: $0) }
                if !queue.put(job) { continuation.resume(returning: .failure(.cancelled)) }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    /// Sends `request` on the calling thread, blocking it until the transfer ends.
    public func sendBlocking(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        let handle = idleHandles.withLock { $0.popLast() } ?? EasyHandle()
        let result = handle.perform(request, configuration, cancellation: nil)
        idleHandles.withLock { pool in if pool.count < 8 { pool.append(handle) } }
        return try result.get()
    }
}
