/// The Diebold–Mariano test of equal predictive accuracy for two forecast error series of the same
/// targets, with squared-error loss: d_t = e1_t² − e2_t², DM = mean(d) / √(S / T).
///
/// S is the long-run variance of d estimated with Newey–West (Bartlett weights 1 − k/h) over h − 1
/// lags, h being the forecast horizon in steps: h-step forecasts overlap, so their loss differences
/// are autocorrelated up to lag h − 1. Bartlett weights (rather than DM's original flat truncation)
/// keep S non-negative. p-values come from the standard normal (no small-sample correction).
/// Negative DM means the first series has the smaller loss.
public struct DieboldMariano: Sendable, Hashable {
    public var statistic: Double
    /// H1: the two forecasts differ in accuracy.
    public var pValueTwoSided: Double
    /// H1: the first forecast is more accurate (its expected loss is lower).
    public var pValueFirstBetter: Double
    /// H1: the second forecast is more accurate.
    public var pValueSecondBetter: Double
    /// mean(e1² − e2²).
    public var meanLossDifference: Double
    public var count: Int

    /// Runs the test. Throws for empty, non-finite or unequal series, a horizon below 1, or zero
    /// long-run variance (identical losses: the test is undefined).
    public init(errors first: [Double], _ second: [Double], horizon: Int = 1) throws(StatisticsError) {
        guard first.count == second.count else { throw .lengthMismatch(first.count, second.count) }
        try StatisticsError.checkFinite(first, "first")
        try StatisticsError.checkFinite(second, "second")
        guard horizon >= 1 else { throw .invalidParameter("horizon \(horizon) < 1") }
        let t = first.count
        guard t >= 2 else { throw .degenerate("need at least 2 paired errors, got \(t)") }
        let d = zip(first, second).map { $0 * $0 - $1 * $1 }
        let mean = d.reduce(0, +) / Double(t)
        let centred = d.map { $0 - mean }
        func autocovariance(_ lag: Int) -> Double {
            var s = 0.0
            for i in lag..<t { s += centred[i] * centred[i - lag] }
            return s / Double(t)
        }
        var variance = autocovariance(0)
        if horizon > 1 {
            for lag in 1..<min(horizon, t) {
                variance += 2 * (1 - Double(lag) / Double(horizon)) * autocovariance(lag)
            }
        }
        guard variance > 0, variance.isFinite else { throw .degenerate("zero variance of the loss differences") }
        let dm = mean / (variance / Double(t)).squareRoot()
        statistic = dm
        meanLossDifference = mean
        count = t
        pValueTwoSided = min(1, 2 * NormalDistribution.sf(abs(dm)))
        pValueFirstBetter = NormalDistribution.cdf(dm)
        pValueSecondBetter = NormalDistribution.sf(dm)
    }
}
