/// The 32 columns of feature set v1 by position, in the order of `FeatureSetVersion.v1.columns`.
///
/// The raw value is the index into `FeatureRow.values`; a test checks the names against Domain,
/// so the two lists cannot drift apart silently.
public enum FeatureColumn: Int, CaseIterable, Sendable {
    case returns, logReturns, rsi, macd, macdSignal, macdHistogram
    case bbWidth, bbPosition, sma5, sma10, sma20, ema5, ema10, ema20
    case priceToSMA20, sma5ToSMA20, volatility, momentum10, roc10
    case hour, dayOfWeek, isWeekend
    case priceLag1, priceLag2, priceLag3, priceLag5, priceLag10
    case returnsLag1, returnsLag2, returnsLag3, returnsLag5, returnsLag10

    /// Number of columns in feature set v1.
    public static let count = 32

    /// The column's name as stored and as pandas names it.
    public var name: String {
        switch self {
        case .returns: "returns"
        case .logReturns: "log_returns"
        case .rsi: "rsi"
        case .macd: "macd"
        case .macdSignal: "macd_signal"
        case .macdHistogram: "macd_histogram"
        case .bbWidth: "bb_width"
        case .bbPosition: "bb_position"
        case .sma5: "sma_5"
        case .sma10: "sma_10"
        case .sma20: "sma_20"
        case .ema5: "ema_5"
        case .ema10: "ema_10"
        case .ema20: "ema_20"
        case .priceToSMA20: "price_to_sma_20"
        case .sma5ToSMA20: "sma_5_to_sma_20"
        case .volatility: "volatility"
        case .momentum10: "momentum_10"
        case .roc10: "roc_10"
        case .hour: "hour"
        case .dayOfWeek: "day_of_week"
        case .isWeekend: "is_weekend"
        case .priceLag1: "price_lag_1"
        case .priceLag2: "price_lag_2"
        case .priceLag3: "price_lag_3"
        case .priceLag5: "price_lag_5"
        case .priceLag10: "price_lag_10"
        case .returnsLag1: "returns_lag_1"
        case .returnsLag2: "returns_lag_2"
        case .returnsLag3: "returns_lag_3"
        case .returnsLag5: "returns_lag_5"
        case .returnsLag10: "returns_lag_10"
        }
    }
}
