public import Domain

/// What `/v1/assets/{asset}/analysis` reports about a window of bars: the trend against the 20-bar
/// SMA, return anomalies by z-score, and summary statistics.
///
/// Pure: bars in (ascending, one asset), values out. Parts that need more data than given are nil
/// (trend below 20 bars, statistics for no bars, the 24 h change when the bars span less than 24 h).
public struct MarketAnalysis: Sendable, Hashable {
    /// Where the last price sits relative to the SMA 20 band.
    public enum Trend: String, Sendable, Hashable, Codable {
        /// More than `band` above the SMA.
        case above
        /// More than `band` below the SMA.
        case below
        /// Within ±`band` of the SMA.
        case withinBand = "within_band"
    }

    /// The trend reading on the last bar.
    public struct TrendReading: Sendable, Hashable {
        public var trend: Trend
        public var price: Double
        public var sma20: Double
        /// price / sma20 − 1.
        public var deviation: Double
        /// The half-width of the neutral band as a fraction (0.02 = ±2 %).
        public var band: Double
    }

    /// A bar whose return is unusual against the 20 returns ending at it.
    public struct Anomaly: Sendable, Hashable {
        public var time: Timestamp
        public var price: Double
        /// Simple return of this bar (close / previous close − 1).
        public var returnValue: Double
        /// (return − mean) / std over the 20 returns ending at this bar (ddof 1).
        public var zScore: Double
    }

    /// Summary statistics over the whole window.
    public struct Statistics: Sendable, Hashable {
        public var count: Int
        public var firstTime: Timestamp
        public var lastTime: Timestamp
        public var meanClose: Double
        public var minClose: Double
        public var maxClose: Double
        public var lastPrice: Double
        /// Sample std (ddof 1) of the simple returns; nil below 3 bars.
        public var returnsStd: Double?
        /// returnsStd × √105 120 (5-minute bars in a year).
        public var annualisedVolatility: Double?
        /// last / first − 1.
        public var totalReturn: Double
        /// Largest fall from a running peak, as a positive fraction (0.1 = 10 % below the peak).
        public var maxDrawdown: Double
        /// last / (close 24 h before the last bar) − 1; nil when the bars span less than 24 h.
        public var change24h: Double?
    }

    public var trend: TrendReading?
    public var anomalies: [Anomaly]
    public var statistics: Statistics?

    /// Bars in the SMA and z-score windows.
    public static let window = 20

    /// Analyses ascending bars of one asset. `band` is the trend band's half-width, `zThreshold`
    /// the |z| above which a return is an anomaly.
    public static func analyze(bars: [Bar], band: Double = 0.02, zThreshold: Double = 2) -> MarketAnalysis {
        let closes = bars.map(\.close)
        return MarketAnalysis(trend: trendReading(closes, band: band),
                              anomalies: anomalies(bars, closes, threshold: zThreshold),
                              statistics: statistics(bars, closes))
    }

    static func trendReading(_ closes: [Double], band: Double) -> TrendReading? {
        guard closes.count >= window, let price = closes.last else { return nil }
        let sma = closes.suffix(window).reduce(0, +) / Double(window)
        let deviation = price / sma - 1
        let trend: Trend = deviation > band ? .above : deviation < -band ? .below : .withinBand
        return TrendReading(trend: trend, price: price, sma20: sma, deviation: deviation, band: band)
    }

    static func anomalies(_ bars: [Bar], _ closes: [Double], threshold: Double) -> [Anomaly] {
        guard closes.count > window else { return [] }
        let returns = (1..<closes.count).map { closes[$0] / closes[$0 - 1] - 1 }
        var found: [Anomaly] = []
        for end in (window - 1)..<returns.count {
            let slice = returns[(end - window + 1)...end]
            let mean = slice.reduce(0, +) / Double(window)
            let std = sampleStd(slice, mean: mean)
            guard std > 0 else { continue }
            let z = (returns[end] - mean) / std
            if abs(z) > threshold {
                found.append(Anomaly(time: bars[end + 1].time, price: closes[end + 1], returnValue: returns[end], zScore: z))
            }
        }
        return found
    }

    static func statistics(_ bars: [Bar], _ closes: [Double]) -> Statistics? {
        guard let first = bars.first, let last = bars.last else { return nil }
        let returns = closes.count > 1 ? (1..<closes.count).map { closes[$0] / closes[$0 - 1] - 1 } : []
        let std: Double? = returns.count >= 2
            ? sampleStd(returns[...], mean: returns.reduce(0, +) / Double(returns.count)) : nil
        var peak = -Double.infinity, drawdown = 0.0
        for c in closes {
            peak = max(peak, c)
            if peak > 0 { drawdown = max(drawdown, (peak - c) / peak) }
        }
        let dayAgo = last.time - .hours(24)
        var change24h: Double?
        if first.time <= dayAgo, let reference = bars.last(where: { $0.time <= dayAgo }) {
            change24h = last.close / reference.close - 1
        }
        return Statistics(count: bars.count, firstTime: first.time, lastTime: last.time,
                          meanClose: closes.reduce(0, +) / Double(closes.count),
                          minClose: closes.min() ?? last.close, maxClose: closes.max() ?? last.close,
                          lastPrice: last.close, returnsStd: std,
                          annualisedVolatility: std.map { $0 * BarGrid.barsPerYear.squareRoot() },
                          totalReturn: last.close / first.close - 1, maxDrawdown: drawdown, change24h: change24h)
    }

    static func sampleStd(_ values: ArraySlice<Double>, mean: Double) -> Double {
        guard values.count > 1 else { return 0 }
        var ss = 0.0
        for v in values { let d = v - mean; ss += d * d }
        return (ss / Double(values.count - 1)).squareRoot()
    }
}
