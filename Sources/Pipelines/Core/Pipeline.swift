public import Domain
public import Logging
import Synchronization

/// One pipeline step (feature, training, inference, validation, drift, alerts) that a
/// worker runs for a ``Run``. Implementations are synchronous: they run on threads the
/// worker pool owns, may block on the store, and return their report as JSON.
public protocol Pipeline: Sendable {
    var kind: PipelineKind { get }
    /// Runs once for every asset in `context.assets`; throws ``PipelineError`` or store errors.
    func run(_ context: RunContext) throws -> JSONValue
}

/// What a pipeline gets for one run: which assets, a logger carrying the run id, a way to
/// report progress, and a cancellation flag checked at checkpoints.
public struct RunContext: Sendable {
    public var run: Run
    public var assets: [AssetID]
    public var logger: Logger
    private let progressSink: @Sendable (Double) -> Void
    private let cancelled: @Sendable () -> Bool

    public init(run: Run, assets: [AssetID], logger: Logger,
                progress: @escaping @Sendable (Double) -> Void = { _ in },
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.run = run; self.assets = assets; self.logger = logger
        self.progressSink = progress; self.cancelled = isCancelled
    }

    /// Reports progress in 0…1.
    public func progress(_ fraction: Double) { progressSink(min(1, max(0, fraction))) }

    /// Throws ``PipelineError/cancelled`` when the run was cancelled; call between steps.
    public func checkpoint() throws { if cancelled() { throw PipelineError.cancelled } }
}

/// Why a pipeline run failed, with what an operator needs to act on it.
public enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    case cancelled
    /// Not enough rows to train (the run fails and nothing changes).
    case insufficientData(asset: AssetID, have: Int, need: Int)
    case source(asset: AssetID, MarketSourceError)
    case noProductionModel(AssetID)
    case artifact(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .insufficientData(let a, let have, let need): return "\(a): \(have) complete rows, at least \(need) needed"
        case .source(let a, let e): return "\(a): \(e)"
        case .noProductionModel(let a): return "\(a): no production model"
        case .artifact(let m): return "model artifact: \(m)"
        case .invalidInput(let m): return m
        }
    }

    public var code: String {
        switch self {
        case .cancelled: "cancelled"
        case .insufficientData: "insufficient_data"
        case .source: "source_error"
        case .noProductionModel: "no_production_model"
        case .artifact: "artifact"
        case .invalidInput: "invalid_input"
        }
    }
}

/// Runs an async call to completion from a thread the program owns (pipelines call async
/// market sources this way). Never call it from Swift's cooperative pool.
public func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphoreLike()
    Task.detached {
        let r: Result<T, any Error>
        do { r = .success(try await body()) } catch { r = .failure(error) }
        box.withLock { $0 = r }
        done.signal()
    }
    done.wait()
    guard let result = box.withLock({ $0 }) else { throw PipelineError.invalidInput("async call finished without a result") }
    return try result.get()
}

/// A one-shot binary semaphore on a pthread condition (keeps Dispatch out of the pure layers).
final class DispatchSemaphoreLike: @unchecked Sendable {
    // Guarded by `mutex`; the condition variable is only used with it held.
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var signalled = false
    init() { pthread_mutex_init(&mutex, nil); pthread_cond_init(&cond, nil) }
    deinit { pthread_cond_destroy(&cond); pthread_mutex_destroy(&mutex) }
    func signal() { pthread_mutex_lock(&mutex); signalled = true; pthread_cond_signal(&cond); pthread_mutex_unlock(&mutex) }
    func wait() { pthread_mutex_lock(&mutex); while !signalled { pthread_cond_wait(&cond, &mutex) }; pthread_mutex_unlock(&mutex) }
}

#if canImport(Glibc)
import Glibc
#endif
