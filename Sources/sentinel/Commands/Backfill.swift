import API
import ArgumentParser
import Domain
import Foundation
import Logging
import Pipelines
import Storage

/// `sentinel backfill --asset ID --days N`: fetch older 5-minute history from the source
/// into the store. Resumable (what is stored is skipped) and honest about what the source's
/// plan can give.
struct Backfill: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fetch up to N days of 5-minute history into the store.")

    @Option(name: .customLong("asset"), help: "The asset to backfill.")
    var asset: String

    @Option(name: .long, help: "Days of history to fetch (1…365).")
    var days: Int = 1

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sourceOptions: SourceOptions

    func run() throws {
        try global.bootstrapLogging()
        guard (1...365).contains(days) else { throw ValidationError("--days must be 1…365") }
        let logger = Logger(label: "sentinel")
        let app = try ServiceAssembly.make(global: global, sourceOptions: sourceOptions, clockMode: .oneShot, logger: logger)
        let id = AssetID(asset)
        guard app.assets.descriptor(id) != nil else { throw ValidationError("asset '\(asset)' is not configured") }
        let now = app.clock.now()
        var span = Milliseconds.days(Int64(days))
        if let limit = app.source.historyLimit, limit < span {
            FileHandle.standardError.write(Data((
                "note: \(app.source.name) gives 5-minute bars only for the last \(limit.value / 3_600_000) h on this plan; " +
                "older ranges come hourly and do not fit the 5-minute feature set. Import older history with " +
                "`sentinel import --asset \(id) FILE`. Fetching the last \(limit.value / 3_600_000) h.\n").utf8))
            span = limit
        }
        guard let pipeline = app.pipelines.compactMap({ $0 as? FeaturePipeline }).first else { return }
        // Day by day from the oldest, so an interrupted backfill resumes where it stopped.
        let start = (now - span).floored(to: BarGrid.step)
        var cursor = start
        var total = FeaturePipeline.AssetReport()
        while cursor < now {
            let bars = try pipeline.fetchBars(id, since: cursor).filter { $0.time < cursor + .days(1) }
            let stored = Set(try app.store.barTimes(asset: id, from: cursor, to: cursor + .days(1)))
            let missing = bars.filter { !stored.contains($0.time) }
            if !missing.isEmpty {
                let r = try pipeline.ingest(missing, asset: id)
                total.inserted += r.inserted; total.rejected += r.rejected; total.rowsWritten += r.rowsWritten
            }
            total.fetched += bars.count
            cursor = cursor + .days(1)
            let done = Double(cursor.milliseconds - start.milliseconds) / Double(max(1, now.milliseconds - start.milliseconds))
            FileHandle.standardError.write(Data("backfill \(id): \(Int(min(1, done) * 100))% (\(total.inserted) new bars)\n".utf8))
        }
        try app.store.checkpoint()
        print("backfilled \(id): \(total.fetched) bars fetched, \(total.inserted) new, \(total.rejected.count) rejected, \(total.rowsWritten) feature rows written")
    }
}
