public import Domain
import Foundation
import Synchronization

/// Real (wall) time spent in each pipeline's runs, for the "where the time goes" lines a
/// simulation prints after its report. Kept out of ``SimulationReport`` on purpose: the
/// report must be identical between two simulations of the same range, wall times never are.
///
/// Invariant: a run counts from `runStarted` to `runFinished` as seen by this observer, so
/// time waiting for a training slot or in the queue is not included.
public final class PipelineWallTimes: RunObserver {
    /// Total time and count of one pipeline's finished runs.
    public struct Entry: Sendable, Equatable {
        public var pipeline: PipelineKind
        public var runs: Int
        public var seconds: Double
        public var millisecondsPerRun: Double { runs > 0 ? seconds * 1000 / Double(runs) : 0 }
    }

    private struct State {
        var started: [ULID: ContinuousClock.Instant] = [:]
        var totals: [PipelineKind: (runs: Int, seconds: Double)] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func runStarted(_ run: Run) {
        let now = ContinuousClock.now
        state.withLock { $0.started[run.id] = now }
    }

    public func runFinished(_ run: Run) {
        let now = ContinuousClock.now
        state.withLock { s in
            guard let start = s.started.removeValue(forKey: run.id) else { return }
            let d = start.duration(to: now).components
            let seconds = Double(d.seconds) + Double(d.attoseconds) * 1e-18
            s.totals[run.pipeline, default: (0, 0)].runs += 1
            s.totals[run.pipeline, default: (0, 0)].seconds += seconds
        }
    }

    /// Pipelines by descending total time.
    public var entries: [Entry] {
        state.withLock { s in
            s.totals.map { Entry(pipeline: $0.key, runs: $0.value.runs, seconds: $0.value.seconds) }
                .sorted { ($0.seconds, $1.pipeline.rawValue) > ($1.seconds, $0.pipeline.rawValue) }
        }
    }

    /// One line per pipeline: `wall pipeline=training runs=480 total_s=86.4 ms_per_run=180.0`.
    public var lines: [String] {
        entries.map { e in
            "wall pipeline=\(e.pipeline.rawValue) runs=\(e.runs) total_s=" + String(format: "%.1f", e.seconds)
                + " ms_per_run=" + String(format: "%.2f", e.millisecondsPerRun)
        }
    }
}
