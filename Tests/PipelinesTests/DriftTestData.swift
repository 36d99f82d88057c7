import Domain
import Features
import Foundation
import MarketData
import Pipelines
import Storage

/// The bundled real bitcoin data as feature rows, computed once per test process, and a
/// temporary store seeded with a window of them plus a drift reference.
enum DriftTestData {
    static let asset = AssetID("bitcoin")

    static let btcRows: [FeatureRow] = {
        guard let data = try? ReplayDataSet.bundled(), let bars = data.series[asset] else { return [] }
        return FeatureEngine(asset: asset).rows(for: bars)
    }()

    /// Index of the first row at or after `time`.
    static func index(of time: Timestamp, in rows: [FeatureRow] = btcRows) -> Int {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid].time < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A store holding `reference` and `recent` rows with the drift reference pointing at
    /// the reference rows' span (as training leaves it).
    static func store(reference: [FeatureRow], recent: [FeatureRow]) throws -> SQLiteStore {
        let store = try SQLiteStore.temporary()
        _ = try store.upsert(reference + recent)
        try setReference(store, reference)
        return store
    }

    static func setReference(_ store: SQLiteStore, _ reference: [FeatureRow], trainedAt: Timestamp? = nil) throws {
        guard let first = reference.first, let last = reference.last else { return }
        let trained = trainedAt.map { #","trainedAt":"\#($0.rfc3339)""# } ?? ""
        let json = #"{"from":"\#(first.time.rfc3339)","to":"\#(last.time.rfc3339)"\#(trained)}"#
        try store.setPipelineState(asset: asset, key: TrainingPipeline.driftReferenceKey, bytes: Array(json.utf8))
    }

    /// Copies of `rows` re-timed to follow `after` bar by bar, with the return-like columns
    /// multiplied by `scale` (a market far more volatile than the reference).
    static func shifted(_ rows: [FeatureRow], after: Timestamp, scale: Double) -> [FeatureRow] {
        let columns = FeatureSetVersion.v1.columns
        let scaled: Set<String> = ["returns", "log_returns", "volatility", "roc_10", "bb_width", "returns_lag_1",
                                   "returns_lag_2", "returns_lag_3", "returns_lag_5", "returns_lag_10"]
        let indices = columns.indices.filter { scaled.contains(columns[$0]) }
        return rows.enumerated().map { k, row in
            var r = row
            r.time = after + BarGrid.step * Int64(k + 1)
            for i in indices { r.values[i] *= scale }
            return r
        }
    }
}
