import Domain
import Synchronization

/// The sorted reference columns of each asset's current training window, kept between drift
/// checks: the window changes once per training while checks run every feature run, and
/// sorting 32 columns of a 7-day window was a third of every check.
///
/// An entry is reused only for the same window bounds and the same number of stored rows in
/// it, so rows backfilled into the window are picked up at the next check.
final class DriftReferenceCache: Sendable {
    private struct Key: Hashable {
        let from: Timestamp
        let to: Timestamp
        let rows: Int
        let featureSet: String
    }

    private let entries = Mutex<[AssetID: (key: Key, columns: DriftAnalysis.ReferenceColumns)]>([:])

    init() {}

    /// The sorted columns of the reference window `reference` of `asset`, which holds
    /// `rowCount` complete rows: from the cache when they were built for the same window and
    /// row count, else from the rows `load` reads.
    func columns(asset: AssetID, reference: DriftReference, featureSet: String, rowCount: Int, width: Int,
                 load: () throws -> [FeatureRow]) rethrows -> DriftAnalysis.ReferenceColumns {
        let key = Key(from: reference.from, to: reference.to, rows: rowCount, featureSet: featureSet)
        if let hit = entries.withLock({ $0[asset] }), hit.key == key, hit.columns.width == width { return hit.columns }
        let built = DriftAnalysis.ReferenceColumns(rows: try load(), width: width)
        entries.withLock { $0[asset] = (key, built) }
        return built
    }
}
