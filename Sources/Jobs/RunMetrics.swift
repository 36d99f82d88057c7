public import Domain
import Synchronization

/// Prometheus counters of finished runs by pipeline and status, and their durations.
public final class RunMetrics: RunObserver, Sendable {
    private struct Totals { var count = 0; var seconds = 0.0 }
    private let totals = Mutex<[String: Totals]>([:])
    public init() {}

    public func runStarted(_ run: Run) {}

    public func runFinished(_ run: Run) {
        let seconds = run.startedAt.flatMap { s in run.finishedAt.map { Double($0.milliseconds - s.milliseconds) / 1000 } } ?? 0
        let key = "pipeline=\"\(run.pipeline.rawValue)\",status=\"\(run.status.rawValue)\""
        totals.withLock { t in t[key, default: Totals()].count += 1; t[key, default: Totals()].seconds += max(0, seconds) }
    }

    /// The Prometheus text of these metrics plus the queue depth given.
    public func render(queueDepth: Int?) -> String {
        let snapshot = totals.withLock { $0 }
        var out = "# HELP sentinel_runs_total Pipeline runs finished, by pipeline and status.\n# TYPE sentinel_runs_total counter\n"
        for key in snapshot.keys.sorted() { out += "sentinel_runs_total{\(key)} \(snapshot[key]?.count ?? 0)\n" }
        out += "# HELP sentinel_run_duration_seconds_sum Total seconds spent in finished runs (virtual clock).\n# TYPE sentinel_run_duration_seconds_sum counter\n"
        for key in snapshot.keys.sorted() { out += "sentinel_run_duration_seconds_sum{\(key)} \(snapshot[key]?.seconds ?? 0)\n" }
        if let queueDepth {
            out += "# HELP sentinel_queue_depth Runs waiting in the queue.\n# TYPE sentinel_queue_depth gauge\nsentinel_queue_depth \(queueDepth)\n"
        }
        return out
    }
}
