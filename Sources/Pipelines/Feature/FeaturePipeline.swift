public import Domain
import Features
import Foundation
public import Logging

/// The feature pipeline (design.md §2): fetch what is new since the last stored bar,
/// validate it, upsert OHLCV, find and backfill gaps, compute the feature rows that became
/// computable (the newest bar included; targets filled in later), store them.
///
/// Idempotent: a second run with nothing new stores nothing. Incremental: the feature
/// engine's state is kept in the store, so each run computes only the new bars, and a full
/// recomputation happens only when that state is missing or no longer continues the
/// stored series (a gap was filled, history was imported before it).
public struct FeaturePipeline: Pipeline {
    public let kind = PipelineKind.feature
    let source: any MarketSource
    let prices: any PriceStore
    let features: any FeatureStore
    let clock: any WallClock
    /// How far back to fetch when the store has no bars for an asset.
    let initialHistory: Milliseconds
    /// How far back gaps are looked for on each run.
    let gapLookback: Milliseconds
    let gapLedger: GapLedger?
    /// Told when an asset's stored bars or feature rows changed (caches invalidate).
    let onStored: (@Sendable (AssetID) -> Void)?

    static let stateKey = "feature-engine.v1"

    public init(source: any MarketSource, prices: any PriceStore, features: any FeatureStore, clock: any WallClock,
                initialHistory: Milliseconds? = nil, gapLookback: Milliseconds = .days(2), gapLedger: GapLedger? = nil,
                onStored: (@Sendable (AssetID) -> Void)? = nil) {
        self.source = source; self.prices = prices; self.features = features; self.clock = clock
        self.initialHistory = initialHistory ?? source.historyLimit ?? .days(7)
        self.gapLookback = gapLookback
        self.gapLedger = gapLedger
        self.onStored = onStored
    }

    public func run(_ context: RunContext) throws -> JSONValue {
        var reports: [(String, JSONValue)] = []
        for (i, asset) in context.assets.enumerated() {
            try context.checkpoint()
            let report = try runAsset(asset, logger: context.logger)
            reports.append((asset.rawValue, report.json))
            context.logger.info("features updated", metadata: [
                "asset": "\(asset)", "fetched": "\(report.fetched)", "inserted": "\(report.inserted)",
                "rows_written": "\(report.rowsWritten)", "gaps_found": "\(report.gapsFound)"])
            context.progress(Double(i + 1) / Double(max(1, context.assets.count)))
        }
        return .object([("assets", .object(reports))])
    }

    /// The data-quality report of one asset's run.
    public struct AssetReport: Sendable, Equatable {
        public var fetched = 0, inserted = 0, updated = 0, unchanged = 0, duplicates = 0, outOfOrder = 0
        public var rejected: [BarValidation.Rejection] = []
        public var gapsFound = 0, gapsFilled = 0, missingBars = 0
        public var rowsWritten = 0, recomputed = false
        public var lastBar: Timestamp?
        public init() {}

        public var json: JSONValue {
            .object([
                ("fetched", .number(Double(fetched))), ("inserted", .number(Double(inserted))),
                ("updated", .number(Double(updated))), ("unchanged", .number(Double(unchanged))),
                ("duplicates", .number(Double(duplicates))), ("out_of_order", .number(Double(outOfOrder))),
                ("rejected", .array(rejected.prefix(50).map { .object([("time", .string($0.time.rfc3339)), ("reason", .string($0.reason))]) })),
                ("rejected_count", .number(Double(rejected.count))),
                ("gaps_found", .number(Double(gapsFound))), ("gaps_filled", .number(Double(gapsFilled))),
                ("missing_bars", .number(Double(missingBars))),
                ("feature_rows_written", .number(Double(rowsWritten))), ("recomputed", .bool(recomputed)),
                ("last_bar", lastBar.map { .string($0.rfc3339) } ?? .null),
            ])
        }
    }

    public func runAsset(_ asset: AssetID, logger: Logger) throws -> AssetReport {
        var report = AssetReport()
        let now = clock.now()
        let latest = try prices.latestBar(asset: asset)
        let since = latest.map { $0.time + BarGrid.step } ?? (now - initialHistory).floored(to: BarGrid.step)

        let fetched = try fetch(asset, since: since)
        report.fetched = fetched.count
        let validation = BarValidation(fetched, now: now)
        report.rejected = validation.rejected
        report.duplicates = validation.duplicates
        report.outOfOrder = validation.outOfOrder
        if !validation.accepted.isEmpty {
            let count = try prices.upsert(validation.accepted, asset: asset)
            report.inserted = count.inserted; report.updated = count.updated; report.unchanged = count.unchanged
        }

        // Gaps inside the recent stored series: ask the source again from the first one.
        let lookbackStart = now - gapLookback
        var gaps = BarGap.find(in: try prices.barTimes(asset: asset, from: lookbackStart, to: now))
        report.gapsFound = gaps.count
        var filledAny = false
        if let first = gaps.first, source.historyLimit.map({ first.from >= now - $0 }) ?? true {
            let refetched = BarValidation(try fetch(asset, since: first.from), now: now).accepted
            let count = try prices.upsert(refetched, asset: asset)
            if count.inserted > 0 {
                filledAny = true
                let remaining = BarGap.find(in: try prices.barTimes(asset: asset, from: lookbackStart, to: now))
                report.gapsFilled = max(0, gaps.count - remaining.count)
                gaps = remaining
            }
        }
        report.missingBars = gaps.reduce(0) { $0 + $1.missingBars }
        gapLedger?.record(found: report.gapsFound, backfilled: report.gapsFilled)

        let (rows, recomputed) = try computeFeatures(asset, forceRecompute: filledAny || report.updated > 0)
        report.recomputed = recomputed
        if !rows.isEmpty { report.rowsWritten = try features.upsert(rows).written }
        report.lastBar = try prices.latestBar(asset: asset)?.time
        if report.inserted + report.updated + report.rowsWritten > 0 { onStored?(asset) }
        return report
    }

    /// Stores bars that came from elsewhere (an imported CSV, a backfill) exactly as fetched
    /// ones are: validated, upserted, then the features recomputed over the stored series.
    public func ingest(_ bars: [Bar], asset: AssetID) throws -> AssetReport {
        var report = AssetReport()
        report.fetched = bars.count
        let validation = BarValidation(bars, now: clock.now())
        report.rejected = validation.rejected
        report.duplicates = validation.duplicates
        report.outOfOrder = validation.outOfOrder
        if !validation.accepted.isEmpty {
            let count = try prices.upsert(validation.accepted, asset: asset)
            report.inserted = count.inserted; report.updated = count.updated; report.unchanged = count.unchanged
        }
        if report.inserted + report.updated > 0 {
            let (rows, _) = try computeFeatures(asset, forceRecompute: true)
            report.recomputed = true
            if !rows.isEmpty { report.rowsWritten = try features.upsert(rows).written }
            onStored?(asset)
        }
        report.lastBar = try prices.latestBar(asset: asset)?.time
        return report
    }

    /// Fetches bars since `since` from the source (for backfill).
    public func fetchBars(_ asset: AssetID, since: Timestamp) throws -> [Bar] { try fetch(asset, since: since) }

    private func fetch(_ asset: AssetID, since: Timestamp) throws -> [Bar] {
        let source = self.source
        do {
            return try blockingAwait { try await source.bars(of: asset, since: since) }
        } catch let e as MarketSourceError {
            throw PipelineError.source(asset: asset, e)
        }
    }

    /// Rows to upsert: incremental from the saved engine state when it continues the stored
    /// series, otherwise recomputed over the stored bars' last contiguous stretch.
    func computeFeatures(_ asset: AssetID, forceRecompute: Bool) throws -> ([FeatureRow], Bool) {
        let engine = FeatureEngine(asset: asset)
        if !forceRecompute, let bytes = try features.pipelineState(asset: asset, key: Self.stateKey),
           let state = try? JSONDecoder().decode(FeatureEngine.State.self, from: Data(bytes)),
           let last = state.lastBarTime {
            let newBars = try prices.bars(asset: asset, from: last + BarGrid.step, to: clock.now())
            if newBars.isEmpty { return ([], false) }
            if let update = try? engine.resume(state, with: newBars) {
                try save(update.state, asset: asset)
                return (update.rows, false)
            }
        }
        // Full recomputation over the newest contiguous stretch of stored bars.
        guard let latest = try prices.latestBar(asset: asset) else { return ([], true) }
        let all = try prices.bars(asset: asset, from: Timestamp(milliseconds: 0), to: latest.time)
        let breaks = FeatureEngine.contiguityBreaks(all)
        let start = breaks.last.map { $0.index } ?? 0
        let stretch = Array(all[start...])
        let update = try engine.resume(.empty, with: stretch)
        try save(update.state, asset: asset)
        return (update.rows, true)
    }

    private func save(_ state: FeatureEngine.State, asset: AssetID) throws {
        let data = try JSONEncoder().encode(state)
        try features.setPipelineState(asset: asset, key: Self.stateKey, bytes: [UInt8](data))
    }
}
