import Testing
import Domain
@testable import Features

@Suite struct MarketAnalysisTests {
    static let start: Int64 = 1_735_689_600_000 // 2025-01-01T00:00Z

    static func bars(_ closes: [Double]) -> [Bar] {
        closes.enumerated().map { i, c in
            Bar(time: Timestamp(milliseconds: start + Int64(i) * 300_000), open: c, high: c, low: c, close: c, volume: 1)
        }
    }

    @Test func trendIsAboveWhenThePriceClearsTheBand() throws {
        // 19 closes of 100 then 110: SMA 20 = 100.5, deviation = 110/100.5 − 1 = 9.45 % > 2 %.
        let a = MarketAnalysis.analyze(bars: Self.bars(Array(repeating: 100, count: 19) + [110]))
        let t = try #require(a.trend)
        #expect(t.trend == .above)
        #expect(abs(t.sma20 - 100.5) < 1e-12 && abs(t.deviation - (110 / 100.5 - 1)) < 1e-15)
    }

    @Test func trendIsBelowOrWithinBandAccordingToTheDeviation() throws {
        #expect(MarketAnalysis.analyze(bars: Self.bars(Array(repeating: 100, count: 19) + [90])).trend?.trend == .below)
        // 101 vs SMA 100.05: +0.95 %, inside ±2 %.
        #expect(MarketAnalysis.analyze(bars: Self.bars(Array(repeating: 100, count: 19) + [101])).trend?.trend == .withinBand)
        #expect(MarketAnalysis.analyze(bars: Self.bars(Array(repeating: 100, count: 19))).trend == nil)
    }

    @Test func aSingleJumpIsTheOnlyAnomaly() throws {
        // Alternating ±0.1 % returns, then one +5 % bar: only that bar has |z| > 2.
        var closes = [100.0]
        for i in 0..<40 { closes.append(closes[closes.count - 1] * (i % 2 == 0 ? 1.001 : 0.999)) }
        closes.append(closes[closes.count - 1] * 1.05)
        let bars = Self.bars(closes)
        let a = MarketAnalysis.analyze(bars: bars)
        #expect(a.anomalies.count == 1)
        let anomaly = try #require(a.anomalies.first)
        #expect(anomaly.time == bars[bars.count - 1].time && anomaly.price == closes[closes.count - 1])
        #expect(abs(anomaly.returnValue - 0.05) < 1e-12)
        // In a window of 19 small returns and one outlier, z of the outlier is close to (n−1)/√n = 4.249.
        #expect(anomaly.zScore > 4.2 && anomaly.zScore < 4.25)
    }

    @Test func constantPricesHaveNoAnomaliesAndNoDrawdown() throws {
        let a = MarketAnalysis.analyze(bars: Self.bars(Array(repeating: 50, count: 30)))
        #expect(a.anomalies.isEmpty)
        let s = try #require(a.statistics)
        #expect(s.maxDrawdown == 0 && s.totalReturn == 0 && s.returnsStd == 0 && s.change24h == nil)
    }

    @Test func statisticsMatchHandComputedValues() throws {
        let a = MarketAnalysis.analyze(bars: Self.bars([100, 120, 90, 110]))
        let s = try #require(a.statistics)
        #expect(s.count == 4 && s.meanClose == 105 && s.minClose == 90 && s.maxClose == 120 && s.lastPrice == 110)
        #expect(abs(s.totalReturn - 0.1) < 1e-15)
        #expect(abs(s.maxDrawdown - 0.25) < 1e-15) // 120 → 90
        // returns 0.2, −0.25, 0.2222…: mean 0.0574074, std (ddof 1) 0.2589…
        let r = [0.2, -0.25, 110.0 / 90 - 1]
        let mean = r.reduce(0, +) / 3
        let std = (r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        #expect(abs((s.returnsStd ?? 0) - std) < 1e-15)
        #expect(abs((s.annualisedVolatility ?? 0) - std * 105_120.0.squareRoot()) < 1e-12)
    }

    @Test func change24hNeedsADayOfData() throws {
        // 289 bars = exactly 24 h from first to last open.
        var closes = Array(repeating: 100.0, count: 289)
        closes[288] = 103
        let s = try #require(MarketAnalysis.analyze(bars: Self.bars(closes)).statistics)
        #expect(abs((s.change24h ?? 0) - 0.03) < 1e-15)
        let short = try #require(MarketAnalysis.analyze(bars: Self.bars(Array(closes.suffix(288)))).statistics)
        #expect(short.change24h == nil)
    }

    @Test func noBarsGiveAnEmptyAnalysis() {
        let a = MarketAnalysis.analyze(bars: [])
        #expect(a.trend == nil && a.anomalies.isEmpty && a.statistics == nil)
    }
}
