public import Domain
public import Logging
public import Pipelines
import Foundation

/// The store ports a simulation drives and then reads its report back from.
public typealias SimulationStore = RunStore & PredictionStore & ModelStore & DriftStore & AlertStore & PriceStore

/// What to simulate: which assets, over which virtual range, in which clock steps.
public struct SimulationSettings: Sendable {
    public var assets: [AssetID]
    public var from: Timestamp
    public var to: Timestamp
    /// The virtual time between two scheduler ticks (the server ticks far more often than
    /// anything is due; one minute hits every 5-minute grid point exactly).
    public var step: Milliseconds
    public var schedules: [PipelineSchedule]

    public init(assets: [AssetID], from: Timestamp, to: Timestamp, step: Milliseconds = .minutes(1),
                schedules: [PipelineSchedule] = PipelineSchedule.defaults()) {
        self.assets = assets; self.from = from; self.to = to; self.step = step; self.schedules = schedules
    }
}

/// How far a simulation has come (for a progress line).
public struct SimulationProgress: Sendable {
    public var now: Timestamp
    public var from: Timestamp
    public var to: Timestamp
    /// Runs executed so far.
    public var runs: Int
    public var fraction: Double {
        let span = Double(to.milliseconds - from.milliseconds)
        return span > 0 ? min(1, Double(now.milliseconds - from.milliseconds) / span) : 1
    }
    public var simulatedDays: Double { Double(now.milliseconds - from.milliseconds) / 86_400_000 }
}

/// Why a simulation cannot start.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyRange(from: Timestamp, to: Timestamp)
    case noAssets

    public var description: String {
        switch self {
        case .emptyRange(let from, let to): "the range \(from) … \(to) is empty: --to must be after --from"
        case .noAssets: "no asset to simulate"
        }
    }
}

/// Runs the whole schedule on a virtual clock, as fast as the machine allows, through the
/// same code paths as the server: the ``Scheduler`` ticks on the virtual clock and a
/// ``WorkerPool`` drains the durable run queue on the calling thread after every tick.
///
/// Invariants: the clock only moves forward, one step at a time, and every run that
/// became due (including the runs chained after others) has finished before it moves
/// again, so a run never sees the future and the result depends only on the data, the
/// range and the pipelines: two simulations of the same range give identical reports
/// (given seeded ids).
public final class SimulationEngine {
    public let settings: SimulationSettings
    private let queue: RunQueue
    private let store: any SimulationStore
    private let setClock: (Timestamp) -> Void
    private let pool: WorkerPool
    private let scheduler: Scheduler
    private let logger: Logger

    /// - Parameters:
    ///   - pipelines: every pipeline the assembly provides; schedules of missing ones are dropped.
    ///   - setClock: moves the virtual clock that `queue`, the pipelines and the source read.
    ///   - observers: also told about every run (the event bus, metrics).
    public init(settings: SimulationSettings, queue: RunQueue, pipelines: [any Pipeline], store: any SimulationStore,
                clock: any WallClock, setClock: @escaping (Timestamp) -> Void, observers: [any RunObserver] = [],
                logger: Logger) {
        self.settings = settings; self.queue = queue; self.store = store; self.setClock = setClock; self.logger = logger
        let available = Set(pipelines.map(\.kind))
        let schedules = settings.schedules.filter { available.contains($0.pipeline) }
        // Retries would sleep real seconds; a simulation records the failure and moves on.
        pool = WorkerPool(queue: queue, pipelines: pipelines, assets: settings.assets, clock: clock,
                          configuration: WorkerPoolConfiguration(workers: 1, maxAttempts: 1, retryBackoff: 0,
                                                                 timeouts: [:]),
                          logger: logger)
        scheduler = Scheduler(queue: queue, schedules: schedules, clock: clock, logger: logger)
        pool.addObserver(scheduler)
        for o in observers { pool.addObserver(o) }
    }

    /// The pipelines that take part (those with a schedule and an implementation).
    public var scheduledPipelines: [PipelineKind] { scheduler.pipelines.map(\.pipeline) }

    /// Runs the range; `progress` is called about every `progressEvery` of virtual time and at the end.
    public func run(progressEvery: Milliseconds = .hours(6),
                    progress: (SimulationProgress) -> Void = { _ in }) throws -> SimulationReport {
        guard !settings.assets.isEmpty else { throw SimulationError.noAssets }
        guard settings.to > settings.from else { throw SimulationError.emptyRange(from: settings.from, to: settings.to) }
        var now = settings.from
        var runs = 0
        var nextReport = settings.from + progressEvery
        while now < settings.to {
            setClock(now)
            scheduler.tick(now: now)
            runs += pool.drain()
            if now >= nextReport {
                progress(SimulationProgress(now: now, from: settings.from, to: settings.to, runs: runs))
                nextReport = nextReport + progressEvery
            }
            now = now + settings.step
        }
        setClock(settings.to)
        runs += pool.drain()
        progress(SimulationProgress(now: settings.to, from: settings.from, to: settings.to, runs: runs))
        return try SimulationReport.build(from: store, settings: settings, pipelines: scheduledPipelines)
    }
}
