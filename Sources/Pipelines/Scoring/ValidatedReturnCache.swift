public import Domain
import Synchronization

/// Each reviewed model's validated returns of the review window, kept between validation
/// runs so a run reads only what was validated since the last one instead of a week of
/// predictions (the live review runs every 5 minutes over up to 7 days of every model).
///
/// Correct without being told about writes, including another process's (a `sentinel run
/// validation` from cron): a validated prediction never changes and is never deleted, so a
/// model's validated set only grows. A cached series is reused when the store still counts
/// exactly its rows between its first and last target time (an index-only count); then only
/// rows after its last target time are read. Any other difference (a prediction validated
/// late, after a gap was backfilled) reloads that model's window.
///
/// Invariant: a cached series holds every validated prediction of its model with target
/// time in `from…last` as of its read, oldest target first.
public final class ValidatedReturnCache: Sendable {
    private struct Key: Hashable { var asset: AssetID; var model: ULID }
    private struct Series { var from: Timestamp; var rows: [ValidatedReturn] }
    private let series = Mutex<[Key: Series]>([:])

    public init() {}

    /// The validated returns of each of `models` with target time at or after `from`, oldest
    /// first. Models of `asset` not asked for are forgotten (they left the review).
    public func returns(asset: AssetID, models: [ULID], from: Timestamp,
                        store: any PredictionStore) throws -> [ULID: [ValidatedReturn]] {
        let known = series.withLock { all in
            for key in all.keys where key.asset == asset && !models.contains(key.model) { all[key] = nil }
            return all.filter { $0.key.asset == asset }
        }
        var result: [ULID: [ValidatedReturn]] = [:]
        for model in Set(models) {
            let key = Key(asset: asset, model: model)
            let fresh = try refreshed(known[key], key: key, from: from, store: store)
            result[model] = fresh.rows
            series.withLock { $0[key] = fresh }
        }
        return result
    }

    private func refreshed(_ cached: Series?, key: Key, from: Timestamp, store: any PredictionStore) throws -> Series {
        guard var s = cached, s.from <= from else {
            return Series(from: from, rows: try store.validatedReturns(asset: key.asset, modelID: key.model, from: from))
        }
        let stale = s.rows.prefix { $0.targetTime < from }.count
        s.rows.removeFirst(stale)
        s.from = from
        guard let last = s.rows.last?.targetTime else {
            return Series(from: from, rows: try store.validatedReturns(asset: key.asset, modelID: key.model, from: from))
        }
        guard try store.validatedCount(asset: key.asset, modelID: key.model, targetTimes: from...last) == s.rows.count else {
            return Series(from: from, rows: try store.validatedReturns(asset: key.asset, modelID: key.model, from: from))
        }
        s.rows += try store.validatedReturns(asset: key.asset, modelID: key.model, from: last + Milliseconds(1))
        return s
    }
}
