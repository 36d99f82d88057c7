import Domain
import Foundation
import Logging
import MarketData
import Pipelines
import Storage
import Synchronization
import SentinelTesting
import Testing

/// A market source that hands out a scripted series up to the clock's now, minus the bars
/// it is told to withhold (a source that skipped some, then recovered).
final class ScriptedSource: MarketSource {
    let name = "scripted"
    let historyLimit: Milliseconds? = nil
    let series: [Bar]
    let clock: any WallClock
    private let withheld = Mutex<Set<Timestamp>>([])
    init(series: [Bar], clock: any WallClock) { self.series = series; self.clock = clock }
    func withhold(_ times: Set<Timestamp>) { withheld.withLock { $0 = times } }
    func latestPrice(of asset: AssetID) async throws -> PriceQuote {
        guard let b = try await bars(of: asset, since: Timestamp(milliseconds: 0)).last else { throw MarketSourceError.unknownAsset(asset) }
        return PriceQuote(asset: asset, price: b.close, change24h: nil, time: b.closeTime)
    }
    func bars(of asset: AssetID, since: Timestamp) async throws -> [Bar] {
        let now = clock.now()
        let skip = withheld.withLock { $0 }
        return series.filter { $0.time >= since && $0.closeTime <= now && !skip.contains($0.time) }
    }
}

@Suite struct FeaturePipelineTests {
    static let bitcoin = AssetID("bitcoin")

    static func realBars(_ count: Int) throws -> [Bar] {
        let data = try ReplayDataSet.bundled()
        return Array((data.series[bitcoin] ?? []).prefix(count))
    }

    func run(_ pipeline: FeaturePipeline) async throws -> FeaturePipeline.AssetReport {
        try await onOwnedThread { try pipeline.runAsset(Self.bitcoin, logger: Logger(label: "test")) }
    }

    @Test func aSecondRunWithNothingNewStoresNothing() async throws {
        let bars = try Self.realBars(400)
        let store = try SQLiteStore.temporary()
        let clock = ManualWallClock(bars[299].closeTime)
        let source = ScriptedSource(series: bars, clock: clock)
        let pipeline = FeaturePipeline(source: source, prices: store, features: store, clock: clock, initialHistory: .days(2))
        let first = try await run(pipeline)
        #expect(first.inserted == 300)
        #expect(first.rowsWritten == 300)
        let second = try await run(pipeline)
        #expect(second.fetched == 0)
        #expect(second.inserted == 0)
        #expect(second.rowsWritten == 0)
        #expect(try store.barCount(asset: Self.bitcoin) == 300)
        #expect(try store.rowCount(asset: Self.bitcoin, featureSet: "v1") == 300)
    }

    @Test func incrementalRunsStoreTheSameRowsAsOneRunFromScratch() async throws {
        let bars = try Self.realBars(360)
        let incremental = try SQLiteStore.temporary(), scratch = try SQLiteStore.temporary()
        let clock = ManualWallClock(bars[199].closeTime)
        let source = ScriptedSource(series: bars, clock: clock)
        let stepwise = FeaturePipeline(source: source, prices: incremental, features: incremental, clock: clock, initialHistory: .days(2))
        _ = try await run(stepwise)
        for i in 200..<360 { clock.set(bars[i].closeTime); _ = try await run(stepwise) }
        let once = FeaturePipeline(source: source, prices: scratch, features: scratch, clock: clock, initialHistory: .days(2))
        _ = try await run(once)
        let all = Timestamp(milliseconds: 0)...Timestamp(milliseconds: Int64.max / 2)
        let a = try incremental.rows(asset: Self.bitcoin, featureSet: "v1", from: all.lowerBound, to: all.upperBound, selection: .all)
        let b = try scratch.rows(asset: Self.bitcoin, featureSet: "v1", from: all.lowerBound, to: all.upperBound, selection: .all)
        #expect(a.count == 360)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.time == y.time)
            #expect(x.targets == y.targets)
            #expect(zip(x.values, y.values).allSatisfy { $0.bitPattern == $1.bitPattern }, "row \(x.time) differs")
        }
    }

    @Test func theNewestBarGetsFeaturesAtOnceAndItsTargetLater() async throws {
        let bars = try Self.realBars(300)
        let store = try SQLiteStore.temporary()
        let clock = ManualWallClock(bars[289].closeTime)
        let pipeline = FeaturePipeline(source: ScriptedSource(series: bars, clock: clock), prices: store, features: store,
                                       clock: clock, initialHistory: .days(2))
        _ = try await run(pipeline)
        let newest = try #require(try store.latestRow(asset: Self.bitcoin, featureSet: "v1"))
        #expect(newest.time == bars[289].time)
        #expect(newest.isComplete)
        #expect(newest.targets == nil)
        clock.set(bars[295].closeTime)
        _ = try await run(pipeline)
        let filled = try store.rows(asset: Self.bitcoin, featureSet: "v1", from: bars[289].time, to: bars[289].time, selection: .all)
        #expect(filled.first?.targets?.futurePrice == bars[295].close)
    }

    @Test func aGapIsFoundAndBackfilledWhenTheSourceRecovers() async throws {
        let bars = try Self.realBars(300)
        let store = try SQLiteStore.temporary()
        let clock = ManualWallClock(bars[249].closeTime)
        let source = ScriptedSource(series: bars, clock: clock)
        let missing: Set<Timestamp> = [bars[240].time, bars[241].time]
        source.withhold(missing)
        let pipeline = FeaturePipeline(source: source, prices: store, features: store, clock: clock, initialHistory: .days(2))
        let first = try await run(pipeline)
        #expect(first.gapsFound == 1)
        #expect(first.gapsFilled == 0)
        #expect(first.missingBars == 2)
        source.withhold([])
        clock.set(bars[250].closeTime)
        let second = try await run(pipeline)
        #expect(second.gapsFound == 1)
        #expect(second.gapsFilled == 1)
        #expect(second.recomputed)
        #expect(try store.barCount(asset: Self.bitcoin) == 251)
        let row = try store.rows(asset: Self.bitcoin, featureSet: "v1", from: bars[250].time, to: bars[250].time, selection: .all)
        #expect(row.first?.isComplete == true, "features continue across the filled gap")
    }

    @Test func invalidBarsAreRejectedWithReasonsAndTheRestStored() async throws {
        var bars = try Self.realBars(40)
        bars[10].close = -1
        bars[11].open = .nan
        bars[12].time = Timestamp(milliseconds: bars[12].time.milliseconds + 1)
        bars.append(bars[20])
        bars.swapAt(30, 31)
        let validation = BarValidation(bars, now: bars[39].closeTime)
        #expect(validation.rejected.count == 3)
        #expect(validation.rejected.map(\.reason).contains("non-positive or non-finite price"))
        #expect(validation.rejected.map(\.reason).contains("not on the 5-minute grid"))
        #expect(validation.duplicates == 1)
        #expect(validation.outOfOrder >= 1)
        #expect(validation.accepted.count == 37)
        #expect(zip(validation.accepted, validation.accepted.dropFirst()).allSatisfy { $0.time < $1.time })
    }

    @Test func barsNotClosedByNowAreRefused() async throws {
        let bars = try Self.realBars(10)
        let validation = BarValidation(bars, now: bars[5].closeTime)
        #expect(validation.accepted.count == 6)
        #expect(validation.rejected.allSatisfy { $0.reason == "bar not closed yet" })
    }
}
