/// Which feature rows a pipeline wants.
public enum FeatureRowSelection: Sendable, Hashable {
    case all
    /// Every feature finite (``FeatureRow/isComplete``): rows a model can be applied to.
    case complete
    /// Complete and with targets known: rows a model can be trained on.
    case completeWithTargets
}

/// Stored feature rows, keyed by (asset, feature set, bar time), and the small
/// per-asset state that lets feature computation resume incrementally.
public protocol FeatureStore: Sendable {
    /// Inserts new rows and overwrites stored rows that differ (typically a later upsert
    /// filling in targets), in one transaction.
    func upsert(_ rows: [FeatureRow]) throws -> UpsertCount
    func latestRow(asset: AssetID, featureSet: String) throws -> FeatureRow?
    /// One page of rows, newest first; the cursor is the last row's time.
    func rowPage(asset: AssetID, featureSet: String, query: PageQuery) throws -> Page<FeatureRow>
    /// Rows with `from <= time <= to`, oldest first (training, drift).
    func rows(asset: AssetID, featureSet: String, from: Timestamp, to: Timestamp,
              selection: FeatureRowSelection) throws -> [FeatureRow]
    func rowCount(asset: AssetID, featureSet: String) throws -> Int
    /// How many rows `rows(asset:featureSet:from:to:selection:)` would return, without reading them.
    func rowCount(asset: AssetID, featureSet: String, from: Timestamp, to: Timestamp,
                  selection: FeatureRowSelection) throws -> Int
    /// Opaque bytes a pipeline saved under `key` for `asset`, nil when never set.
    func pipelineState(asset: AssetID, key: String) throws -> [UInt8]?
    func setPipelineState(asset: AssetID, key: String, bytes: [UInt8]) throws
}
