public import Domain
public import Pipelines
public import Logging
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Told when runs start and finish (the event bus for SSE, the scheduler's chaining).
public protocol RunObserver: Sendable {
    func runStarted(_ run: Run)
    func runFinished(_ run: Run)
}

/// Settings of the worker pool.
public struct WorkerPoolConfiguration: Sendable {
    /// Worker threads (default: the number of cores).
    public var workers: Int
    /// Training runs at once (CPU-heavy; default one).
    public var maxConcurrentTraining: Int
    /// Attempts per run for retryable failures (market source errors).
    public var maxAttempts: Int
    /// First retry delay; doubles per attempt.
    public var retryBackoff: Double
    /// Seconds after which a run still going is cancelled at its next checkpoint and fails with `timeout`.
    public var timeouts: [PipelineKind: Double]
    /// Nice value of the worker threads (0…19): above 0, the HTTP event loops win the CPU
    /// from a training run, so reads stay fast while pipelines are busy.
    public var niceness: Int32

    /// `workers` nil: one per core.
    public init(workers: Int? = nil, maxConcurrentTraining: Int = 1,
                maxAttempts: Int = 3, retryBackoff: Double = 1,
                timeouts: [PipelineKind: Double] = [.training: 600, .feature: 120, .inference: 60,
                                                    .validation: 60, .drift: 120, .alerts: 60],
                niceness: Int32 = 10) {
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount); self.maxConcurrentTraining = max(1, maxConcurrentTraining)
        self.maxAttempts = max(1, maxAttempts); self.retryBackoff = retryBackoff; self.timeouts = timeouts
        self.niceness = min(19, max(0, niceness))
    }
}

/// N threads that claim queued runs from the store and execute their pipelines.
///
/// Invariants: a run is executed by one worker (the store's atomic claim); at most one
/// run per (pipeline, asset) runs at a time (the store's rule); at most
/// `maxConcurrentTraining` training runs at once. Threads are owned by the pool and joined
/// by ``stop()``; no pipeline work runs on Swift's cooperative pool.
public final class WorkerPool: Sendable {
    private let queue: RunQueue
    private let pipelines: [PipelineKind: any Pipeline]
    private let assets: [AssetID]
    private let clock: any WallClock
    private let configuration: WorkerPoolConfiguration
    private let logger: Logger
    private let observers: Mutex<[any RunObserver]> = Mutex([])
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)
    private let trainingSlots: Atomic<Int>

    private struct State { var started = 0; var busy = 0; var exited = 0 }

    public init(queue: RunQueue, pipelines: [any Pipeline], assets: [AssetID], clock: any WallClock,
                configuration: WorkerPoolConfiguration = WorkerPoolConfiguration(), logger: Logger) {
        self.queue = queue
        self.pipelines = Dictionary(pipelines.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
        self.assets = assets; self.clock = clock; self.configuration = configuration; self.logger = logger
        self.trainingSlots = Atomic(configuration.maxConcurrentTraining)
    }

    public func addObserver(_ o: any RunObserver) { observers.withLock { $0.append(o) } }

    public var workerCount: Int { configuration.workers }
    public var busyWorkers: Int { state.withLock { $0.busy } }

    /// Starts the worker threads.
    public func start() {
        for i in 0..<configuration.workers {
            let t = Thread { [self] in self.loop() }
            t.name = "sentinel-worker-\(i)"
            state.withLock { $0.started += 1 }
            t.start()
        }
    }

    /// Stops claiming new runs and waits up to `grace` for running ones to finish.
    public func stop(grace: Double = 10) {
        stopped.store(true, ordering: .sequentiallyConsistent)
        queue.wakeAll()
        let deadline = Date(timeIntervalSinceNow: grace)
        while Date() < deadline {
            let (exited, total) = state.withLock { ($0.exited, $0.started) }
            if exited >= total { return }
            queue.wakeAll()
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Claims and executes queued runs until none may start; returns how many ran.
    /// Used by `sentinel run`, tests and simulation to drive the queue on the caller's thread.
    @discardableResult
    public func drain() -> Int {
        var n = 0
        while let run = claim() { execute(run); n += 1 }
        return n
    }

    /// Runs `run` on the calling thread now, outside the queue's claim (one-shot commands):
    /// marks it running (refused while the same pipeline and asset is running elsewhere),
    /// executes it and returns it finished.
    public func runNow(_ queued: Run) throws -> Run {
        var run = queued
        run.status = .running
        run.startedAt = clock.now()
        try queue.store.update(run)
        execute(run)
        return try queue.store.run(id: run.id) ?? run
    }

    private func loop() {
        #if os(Linux)
        // On Linux the nice value is per thread; `who` 0 is the calling thread.
        if configuration.niceness > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, configuration.niceness) }
        #endif
        while !stopped.load(ordering: .relaxed) {
            if let run = claim() {
                state.withLock { $0.busy += 1 }
                execute(run)
                state.withLock { $0.busy -= 1 }
            } else {
                queue.waitForWork(timeout: 0.5)
            }
        }
        state.withLock { $0.exited += 1 }
    }

    private func claim() -> Run? {
        do {
            return try queue.store.claimNext(now: clock.now())
        } catch {
            logger.error("claiming a run failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func execute(_ claimed: Run) {
        var run = claimed
        var log = logger
        log[metadataKey: "run_id"] = "\(run.id)"
        log[metadataKey: "pipeline"] = "\(run.pipeline.rawValue)"
        if let a = run.asset { log[metadataKey: "asset"] = "\(a)" }

        guard let pipeline = pipelines[run.pipeline] else {
            finish(run, .failed, nil, RunError(code: "unknown_pipeline", message: "no pipeline '\(run.pipeline.rawValue)' is configured"), log)
            return
        }
        if run.pipeline == .training {
            // Wait for a training slot; other pipelines keep flowing on the other workers.
            while trainingSlots.wrappingSubtract(1, ordering: .acquiring).newValue < 0 {
                trainingSlots.wrappingAdd(1, ordering: .releasing)
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        defer {
            if run.pipeline == .training {
                trainingSlots.wrappingAdd(1, ordering: .releasing)
                // Training allocates tens of MB of matrices and trees; give them back to the OS
                // so an idle server stays small.
                MemoryRelease.returnFreePagesToSystem()
            }
        }

        observers.withLock { $0 }.forEach { $0.runStarted(run) }
        log.info("run started", metadata: ["trigger": "\(run.trigger.rawValue)", "attempt": "\(run.attempt)"])
        let started = Date()
        let timeout = configuration.timeouts[run.pipeline] ?? 600
        let runID = run.id
        let cancels = queue.cancelRequests
        let store = queue.store
        // A progress report is a store transaction: keep them for runs long enough for
        // someone to watch (at most one per interval), and leave the last to `finish`.
        let progressWrites = ProgressThrottle(interval: .milliseconds(500))
        while true {
            let context = RunContext(
                run: run, assets: run.asset.map { [$0] } ?? assets, logger: log,
                progress: { p in
                    guard p < 1, progressWrites.admit() else { return }
                    if var r = try? store.run(id: runID) { r.progress = p; try? store.update(r) }
                },
                isCancelled: { cancels.contains(runID) || Date().timeIntervalSince(started) > timeout })
            do {
                let result = try pipeline.run(context)
                finish(run, .succeeded, result, nil, log)
                return
            } catch PipelineError.cancelled {
                let timedOut = Date().timeIntervalSince(started) > timeout
                cancels.remove(runID)
                finish(run, timedOut ? .failed : .cancelled, nil,
                       timedOut ? RunError(code: "timeout", message: "exceeded \(Int(timeout)) s") : nil, log)
                return
            } catch {
                let retryable: Bool
                if case PipelineError.source = error { retryable = true } else { retryable = false }
                if retryable, run.attempt < configuration.maxAttempts, !stopped.load(ordering: .relaxed) {
                    let delay = configuration.retryBackoff * pow(2, Double(run.attempt - 1))
                    log.warning("run failed, retrying", metadata: ["error": "\(error)", "retry_in_s": "\(delay)"])
                    Thread.sleep(forTimeInterval: delay)
                    run.attempt += 1
                    try? store.update(run)
                    continue
                }
                let e = error as? PipelineError
                finish(run, .failed, nil, RunError(code: e?.code ?? "error", message: "\(error)"), log)
                return
            }
        }
    }

    private func finish(_ run: Run, _ status: RunStatus, _ result: JSONValue?, _ error: RunError?, _ log: Logger) {
        do {
            let done = try queue.store.finish(id: run.id, status: status, result: result, error: error, at: clock.now())
            log.info("run finished", metadata: ["status": "\(status.rawValue)",
                                                "error": "\(error?.message ?? "")"])
            observers.withLock { $0 }.forEach { $0.runFinished(done) }
        } catch {
            log.error("recording the end of a run failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Lets through at most one event per interval, the first one an interval after creation:
/// runs that end sooner write no progress at all.
final class ProgressThrottle: Sendable {
    private let interval: Duration
    private let next: Mutex<ContinuousClock.Instant>

    init(interval: Duration) {
        self.interval = interval
        next = Mutex(ContinuousClock.now + interval)
    }

    func admit() -> Bool {
        next.withLock { next in
            let now = ContinuousClock.now
            guard now >= next else { return false }
            next = now + interval
            return true
        }
    }
}
