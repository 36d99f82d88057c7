/// Stored 5-minute OHLCV bars per asset, keyed by (asset, bar open time).
///
/// Writes are durable when they return. Bars are never deleted by these methods.
public protocol PriceStore: Sendable {
    /// Inserts new bars and overwrites stored bars whose values differ, in one transaction.
    func upsert(_ bars: [Bar], asset: AssetID) throws -> UpsertCount
    /// The newest stored bar.
    func latestBar(asset: AssetID) throws -> Bar?
    /// Bars with `from <= time <= to`, oldest first (for pipelines).
    func bars(asset: AssetID, from: Timestamp, to: Timestamp) throws -> [Bar]
    /// One page of bars, newest first; the cursor is the last bar's time.
    func barPage(asset: AssetID, query: PageQuery) throws -> Page<Bar>
    func barCount(asset: AssetID) throws -> Int
    /// Open times of the stored bars within `[from, to]`, oldest first (for finding gaps).
    func barTimes(asset: AssetID, from: Timestamp, to: Timestamp) throws -> [Timestamp]
    /// The bar whose open time is closest to `target`, no further than `within` away;
    /// on a tie the earlier bar.
    func bar(asset: AssetID, nearest target: Timestamp, within: Milliseconds) throws -> Bar?
}
