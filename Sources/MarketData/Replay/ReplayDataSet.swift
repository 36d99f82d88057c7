public import Domain
import Foundation

/// Validated 5-minute bars per asset, ready to be replayed.
///
/// Invariants (checked on load): per asset, bars ascend strictly, sit on the 5-minute grid,
/// and have positive finite prices with `low ≤ open, close ≤ high`. Gaps are allowed.
public struct ReplayDataSet: Sendable {
    /// One user file and the asset it holds (nil: derived from the file name).
    public struct File: Sendable, Hashable {
        public var path: String
        public var asset: AssetID?
        public init(path: String, asset: AssetID? = nil) { self.path = path; self.asset = asset }
    }

    public let series: [AssetID: [Bar]]

    public init(series: [AssetID: [Bar]]) { self.series = series }

    public var assets: [AssetID] { series.keys.sorted() }

    /// The open time of the first bar and the close time of the last, per asset.
    public func range(of asset: AssetID) -> ClosedRange<Timestamp>? {
        guard let bars = series[asset], let first = bars.first, let last = bars.last else { return nil }
        return first.time...last.closeTime
    }

    /// Where a replay starts by default: 7 days into the data (so features and training
    /// have a week of history), counted from the latest first bar across assets.
    public var defaultStart: Timestamp {
        let firsts = series.values.compactMap { $0.first?.time }
        let ends = series.values.compactMap { $0.last?.closeTime }
        guard let start = firsts.max(), let end = ends.max() else { return Timestamp(milliseconds: 0) }
        return min(start + .days(7), end)
    }

    /// The data bundled with Sentinel: bitcoin and ethereum, 5-minute Binance spot candles.
    public static func bundled() throws(ReplayDataError) -> ReplayDataSet {
        var files: [File] = []
        for (resource, asset) in [("btc-usd-5m", "bitcoin"), ("eth-usd-5m", "ethereum")] {
            guard let url = Bundle.module.url(forResource: resource, withExtension: "csv") else {
                throw .unreadable(file: resource + ".csv", reason: "bundled resource missing")
            }
            files.append(File(path: url.path, asset: AssetID(asset)))
        }
        return try load(files)
    }

    /// Loads and validates user files (`--replay-data FILE`), one asset per file.
    public static func load(_ files: [File]) throws(ReplayDataError) -> ReplayDataSet {
        var series: [AssetID: [Bar]] = [:]
        for file in files {
            let name = (file.path as NSString).lastPathComponent
            let asset = file.asset ?? assetID(fromFileName: name)
            guard asset.isWellFormed else { throw .badAssetID(file: name, id: asset.rawValue) }
            guard series[asset] == nil else { throw .duplicateAsset(asset.rawValue) }
            let bytes: [UInt8]
            do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file.path))) } catch {
                throw .unreadable(file: name, reason: "\(error.localizedDescription)")
            }
            series[asset] = try ReplayCSV.parse(bytes, file: name)
        }
        return ReplayDataSet(series: series)
    }

    /// `btc-usd-5m.csv` → `bitcoin`, `eth-…` → `ethereum`; any other file name gives its
    /// lower-cased stem (`solana.csv` → `solana`).
    public static func assetID(fromFileName name: String) -> AssetID {
        var stem = Substring(name.lowercased())
        if let dot = stem.lastIndex(of: ".") { stem = stem[..<dot] }
        let symbol = stem.split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
        let known = ["btc": "bitcoin", "eth": "ethereum"]
        return AssetID(known[symbol] ?? String(stem))
    }
}
