import Domain
import Foundation
import Jobs
import Logging
import Pipelines
import Storage
import Synchronization

/// A pipeline for queue and scheduler tests: counts its runs, tracks how many run at once,
/// and does whatever `body` says (sleep, throw, wait for cancellation).
final class FakePipeline: Pipeline {
    let kind: PipelineKind
    private let body: @Sendable (RunContext, Int) throws -> Void
    private let counters = Mutex(Counters())

    struct Counters { var calls = 0; var active = 0; var maxActive = 0; var runIDs: [ULID] = [] }

    init(_ kind: PipelineKind, body: @escaping @Sendable (RunContext, Int) throws -> Void = { _, _ in }) {
        self.kind = kind; self.body = body
    }

    func run(_ context: RunContext) throws -> JSONValue {
        let call = counters.withLock { c -> Int in
            c.calls += 1; c.active += 1; c.maxActive = max(c.maxActive, c.active); c.runIDs.append(context.run.id)
            return c.calls
        }
        defer { counters.withLock { $0.active -= 1 } }
        try body(context, call)
        return .object([("call", .number(Double(call)))])
    }

    var calls: Int { counters.withLock { $0.calls } }
    var maxActive: Int { counters.withLock { $0.maxActive } }
    var active: Int { counters.withLock { $0.active } }
}

/// A store, a manual clock, a queue and a pool over fake pipelines.
struct JobsHarness {
    static let start = Timestamp(milliseconds: 1_744_675_200_000) // 2025-04-15T00:00:00Z, on the 30-minute grid
    let store: SQLiteStore
    let clock: ManualWallClock
    let queue: RunQueue
    let pool: WorkerPool
    let pipelines: [PipelineKind: FakePipeline]
    let logger = Logger(label: "jobs-test", factory: { _ in SwiftLogNoOpLogHandler() })

    init(_ pipelines: [FakePipeline] = PipelineKind.allCases.map { FakePipeline($0) },
         assets: [AssetID] = [AssetID("bitcoin")], configuration: WorkerPoolConfiguration = WorkerPoolConfiguration(workers: 1)) throws {
        store = try SQLiteStore.temporary()
        clock = ManualWallClock(Self.start)
        queue = RunQueue(store: store, ids: ULIDGenerator(clock: clock, seed: 1), clock: clock)
        pool = WorkerPool(queue: queue, pipelines: pipelines, assets: assets, clock: clock,
                          configuration: configuration, logger: logger)
        self.pipelines = Dictionary(uniqueKeysWithValues: pipelines.map { ($0.kind, $0) })
    }

    func scheduler(_ schedules: [PipelineSchedule] = PipelineSchedule.defaults()) -> Scheduler {
        let s = Scheduler(queue: queue, schedules: schedules, clock: clock, logger: logger)
        pool.addObserver(s)
        return s
    }

    /// Ticks the scheduler and drains the queue at every step from `from` (inclusive) to `to` (exclusive).
    func simulate(_ scheduler: Scheduler, from: Timestamp, to: Timestamp, step: Milliseconds = .minutes(1)) {
        var t = from
        while t < to {
            clock.set(t)
            scheduler.tick(now: t)
            pool.drain()
            t = t + step
        }
    }

    func runs(_ pipeline: PipelineKind? = nil, status: RunStatus? = nil) throws -> [Run] {
        var out: [Run] = []
        var query = PageQuery(limit: 1000)
        while true {
            let page = try store.runs(filter: RunFilter(pipeline: pipeline, status: status), query: query)
            out += page.items
            guard let next = page.nextCursor else { return out }
            query.cursor = next
        }
    }

    /// Polls until `condition` holds or `timeout` real seconds pass.
    func wait(timeout: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }
}

/// Waits on a checkpoint loop until the run is cancelled (or 5 s pass).
@Sendable func waitForCancellation(_ context: RunContext, _ call: Int) throws {
    let deadline = Date(timeIntervalSinceNow: 5)
    while Date() < deadline {
        try context.checkpoint()
        Thread.sleep(forTimeInterval: 0.005)
    }
}
