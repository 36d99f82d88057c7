import ArgumentParser
import Domain
import Foundation
import Logging
import MarketData
import Pipelines
import Storage

/// `sentinel import --asset ID FILE`: 5-minute bars from a CSV of the bundled format into the
/// store, validated like fetched bars, idempotent; features recomputed.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import 5-minute bars (timestamp_ms,open,high,low,close,volume) from a CSV into the store.")

    @Option(name: .customLong("asset"), help: "The asset the file holds (default: from the file name, e.g. btc-usd-5m.csv → bitcoin).")
    var asset: String?

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.bootstrapLogging()
        let logger = Logger(label: "sentinel")
        let data: ReplayDataSet
        do {
            data = try ReplayDataSet.load([ReplayDataSet.File(path: file, asset: asset.map { AssetID($0) })])
        } catch {
            throw ValidationError("\(error)")
        }
        guard let id = data.assets.first, let bars = data.series[id] else { throw ValidationError("\(file) holds no bars") }
        let store = try ServiceAssembly.openStore(global.databasePath, logger: logger)
        // Imported history is already closed: the clock stands after its last bar.
        let clock = ManualWallClock((bars.last?.closeTime ?? Timestamp(milliseconds: 0)) + BarGrid.step)
        let latest = try store.latestBar(asset: id)?.closeTime
        if let latest, latest > clock.now() { clock.set(latest) }
        let pipeline = FeaturePipeline(source: ReplaySource(data: data, clock: .manual(start: clock.now())),
                                       prices: store, features: store, clock: clock)
        let report = try pipeline.ingest(bars, asset: id)
        try store.checkpoint()
        print("imported \(file) as \(id): \(report.fetched) bars read, \(report.inserted) new, \(report.updated) changed, " +
              "\(report.unchanged) already stored, \(report.rejected.count) rejected, \(report.rowsWritten) feature rows written")
        for r in report.rejected.prefix(20) { print("  rejected \(r.time): \(r.reason)") }
    }
}
