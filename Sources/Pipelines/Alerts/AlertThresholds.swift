public import Domain

/// The thresholds of the alert rules (design.md §2, alerts row), with the design's defaults.
/// Every comparison is strict: a value exactly at a threshold does not alert.
public struct AlertThresholds: Sendable, Hashable {
    /// |24 h price change| beyond these fractions: warning, high.
    public var priceChangeWarning: Double
    public var priceChangeHigh: Double
    /// Annualised volatility (the newest feature row's `volatility`) beyond these: warning, high.
    public var volatilityWarning: Double
    public var volatilityHigh: Double
    /// |price / predicted price − 1| of the newest due champion prediction beyond this: warning.
    public var predictionDeviation: Double
    /// Only predictions whose target time lies within this of now are compared.
    public var predictionMaxAge: Milliseconds
    /// Drawdown from the peak close of the last ``drawdownWindow`` beyond these: warning, high.
    public var drawdownWarning: Double
    public var drawdownHigh: Double
    public var drawdownWindow: Milliseconds
    /// Data is stale once the newest bar closed more than this long ago (2 × 5 min).
    public var maxDataAge: Milliseconds
    /// The production model is stale once it is older than this (2 × the 30-min training interval).
    public var maxModelAge: Milliseconds

    public init(priceChangeWarning: Double = 0.05, priceChangeHigh: Double = 0.10,
                volatilityWarning: Double = 0.50, volatilityHigh: Double = 0.80,
                predictionDeviation: Double = 0.03, predictionMaxAge: Milliseconds = .hours(1),
                drawdownWarning: Double = 0.10, drawdownHigh: Double = 0.20, drawdownWindow: Milliseconds = .hours(24),
                maxDataAge: Milliseconds = .minutes(10), maxModelAge: Milliseconds = .minutes(60)) {
        self.priceChangeWarning = priceChangeWarning; self.priceChangeHigh = priceChangeHigh
        self.volatilityWarning = volatilityWarning; self.volatilityHigh = volatilityHigh
        self.predictionDeviation = predictionDeviation; self.predictionMaxAge = predictionMaxAge
        self.drawdownWarning = drawdownWarning; self.drawdownHigh = drawdownHigh; self.drawdownWindow = drawdownWindow
        self.maxDataAge = maxDataAge; self.maxModelAge = maxModelAge
    }
}
