public import Domain
public import Logging
import Foundation
import Synchronization

/// When each pipeline runs: on its own interval (aligned to the interval's grid) or
/// right after another pipeline's scheduled run succeeds.
public struct PipelineSchedule: Sendable, Hashable {
    public enum Timing: Sendable, Hashable {
        case every(Milliseconds)
        case after(PipelineKind)
    }
    public var pipeline: PipelineKind
    public var timing: Timing
    /// An interval pipeline whose first run waits for this pipeline's first success
    /// (training waits for the first feature rows).
    public var firstRunAfter: PipelineKind?
    public init(_ pipeline: PipelineKind, _ timing: Timing, firstRunAfter: PipelineKind? = nil) {
        self.pipeline = pipeline; self.timing = timing; self.firstRunAfter = firstRunAfter
    }

    /// design.md §2: feature every 5 min → drift and inference; inference → validation and
    /// alerts; training every 30 min.
    public static func defaults(feature: Milliseconds = .minutes(5), training: Milliseconds = .minutes(30)) -> [PipelineSchedule] {
        [PipelineSchedule(.feature, .every(feature)),
         PipelineSchedule(.drift, .after(.feature)),
         PipelineSchedule(.inference, .after(.feature)),
         PipelineSchedule(.validation, .after(.inference)),
         PipelineSchedule(.alerts, .after(.inference)),
         PipelineSchedule(.training, .every(training), firstRunAfter: .feature)]
    }
}

/// What `GET /v1/pipelines` shows for one pipeline.
public struct PipelineStatus: Sendable {
    public var pipeline: PipelineKind
    public var schedule: PipelineSchedule.Timing?
    public var nextDue: Timestamp?
    public var lastRun: Run?
    public var lastSuccess: Run?
    public var consecutiveFailures: Int
    public var runningNow: Bool
}

/// Enqueues scheduled runs on the injected wall clock (virtual in replay and simulation).
///
/// After downtime a pipeline gets one catch-up run, never a burst: when a due time has
/// passed, one run is enqueued and the next due time is the next grid point after now.
/// Runs never overlap: the store coalesces a trigger with an identical queued run and
/// allows one running run per (pipeline, asset).
public final class Scheduler: RunObserver, Sendable {
    private let queue: RunQueue
    private let schedules: [PipelineSchedule]
    private let clock: any WallClock
    private let logger: Logger
    private let tickInterval: Double
    private let state = Mutex(State())
    private let running = Atomic<Bool>(false)

    private struct State {
        var nextDue: [PipelineKind: Timestamp] = [:]
        var consecutiveFailures: [PipelineKind: Int] = [:]
        var succeeded: Set<PipelineKind> = []
        var stopped = false
    }

    public init(queue: RunQueue, schedules: [PipelineSchedule] = PipelineSchedule.defaults(), clock: any WallClock,
                tickInterval: Double = 0.2, logger: Logger) {
        self.queue = queue; self.schedules = schedules; self.clock = clock
        self.tickInterval = tickInterval; self.logger = logger
    }

    public var isRunning: Bool { running.load(ordering: .relaxed) }
    public var pipelines: [PipelineSchedule] { schedules }

    /// Enqueues every interval pipeline that is due at `now`; returns what it enqueued.
    @discardableResult
    public func tick(now: Timestamp) -> [PipelineKind] {
        var due: [PipelineKind] = []
        state.withLock { s in
            for sch in schedules {
                guard case .every(let interval) = sch.timing else { continue }
                if let first = sch.firstRunAfter, s.nextDue[sch.pipeline] == nil, !s.succeeded.contains(first) { continue }
                let next = s.nextDue[sch.pipeline] ?? now
                if now >= next {
                    due.append(sch.pipeline)
                    s.nextDue[sch.pipeline] = now.floored(to: interval) + interval
                }
            }
        }
        for p in due { enqueue(p, reason: "scheduled") }
        return due
    }

    /// Starts the scheduler thread; it ticks every `tickInterval` real seconds.
    public func start() {
        running.store(true, ordering: .relaxed)
        let t = Thread { [self] in
            while !self.state.withLock({ $0.stopped }) {
                self.tick(now: self.clock.now())
                Thread.sleep(forTimeInterval: self.tickInterval)
            }
            self.running.store(false, ordering: .relaxed)
        }
        t.name = "sentinel-scheduler"
        t.start()
    }

    public func stop() { state.withLock { $0.stopped = true } }

    public func runStarted(_ run: Run) {}

    public func runFinished(_ run: Run) {
        state.withLock { s in
            if run.status == .failed { s.consecutiveFailures[run.pipeline, default: 0] += 1 }
            if run.status == .succeeded { s.consecutiveFailures[run.pipeline] = 0; s.succeeded.insert(run.pipeline) }
        }
        guard run.trigger == .schedule, run.status == .succeeded else { return }
        for sch in schedules where sch.timing == .after(run.pipeline) {
            enqueue(sch.pipeline, asset: run.asset, reason: "after \(run.pipeline.rawValue) run \(run.id)")
        }
    }

    public func status() -> [PipelineStatus] {
        let snapshot = state.withLock { ($0.nextDue, $0.consecutiveFailures) }
        return PipelineKind.allCases.map { kind in
            let sch = schedules.first { $0.pipeline == kind }
            let last = try? queue.store.lastRun(pipeline: kind, asset: nil, status: nil)
            let success = try? queue.store.lastRun(pipeline: kind, asset: nil, status: .succeeded)
            // Any running run of the pipeline, for every asset or for one.
            let running = (try? queue.store.runs(filter: RunFilter(pipeline: kind, status: .running),
                                                 query: PageQuery(limit: 1)).items.first) ?? nil
            return PipelineStatus(pipeline: kind, schedule: sch?.timing, nextDue: snapshot.0[kind],
                                  lastRun: last ?? nil, lastSuccess: success ?? nil,
                                  consecutiveFailures: snapshot.1[kind] ?? 0, runningNow: running != nil)
        }
    }

    private func enqueue(_ p: PipelineKind, asset: AssetID? = nil, reason: String) {
        do {
            try queue.trigger(p, asset: asset, trigger: .schedule, reason: reason)
        } catch {
            logger.error("scheduling a run failed", metadata: ["pipeline": "\(p.rawValue)", "error": "\(error)"])
        }
    }
}
