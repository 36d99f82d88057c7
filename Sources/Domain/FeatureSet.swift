/// A versioned list of feature columns. Stored rows and trained models name the version
/// they were made with, and a model is never fed rows of another version.
public struct FeatureSetVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var columns: [String]
    /// Bars ahead the target looks (6 × 5 min = 30 min for v1).
    public var horizonBars: Int

    public var description: String { name }
    public var horizon: Milliseconds { BarGrid.step * Int64(horizonBars) }

    /// Columns that follow the price level; reported by drift but never deciding it,
    /// since they drift whenever the price moves.
    public var priceLevelColumns: Set<String>

    /// Feature set v1: the replaced system's 32 features with pandas' definitions
    /// (see Tests/Fixtures/features/README.md), horizon 30 minutes.
    public static let v1 = FeatureSetVersion(
        name: "v1",
        columns: [
            "returns", "log_returns", "rsi", "macd", "macd_signal", "macd_histogram",
            "bb_width", "bb_position", "sma_5", "sma_10", "sma_20", "ema_5", "ema_10", "ema_20",
            "price_to_sma_20", "sma_5_to_sma_20", "volatility", "momentum_10", "roc_10",
            "hour", "day_of_week", "is_weekend",
            "price_lag_1", "price_lag_2", "price_lag_3", "price_lag_5", "price_lag_10",
            "returns_lag_1", "returns_lag_2", "returns_lag_3", "returns_lag_5", "returns_lag_10",
        ],
        horizonBars: 6,
        priceLevelColumns: ["sma_5", "sma_10", "sma_20", "ema_5", "ema_10", "ema_20", "macd", "macd_signal",
                            "macd_histogram", "momentum_10", "price_lag_1", "price_lag_2", "price_lag_3",
                            "price_lag_5", "price_lag_10"])

    public static func named(_ name: String) -> FeatureSetVersion? { name == v1.name ? v1 : nil }
}

/// The prediction targets of a feature row, known once the horizon has passed.
public struct FeatureTargets: Sendable, Hashable, Codable {
    public var futurePrice: Double
    /// future / price − 1
    public var targetReturn: Double
    /// ln(future / price): what the regressors predict.
    public var targetLogReturn: Double
    /// 1 when the future price is above the price, else 0.
    public var targetDirection: Int

    public init(futurePrice: Double, targetReturn: Double, targetLogReturn: Double, targetDirection: Int) {
        self.futurePrice = futurePrice; self.targetReturn = targetReturn
        self.targetLogReturn = targetLogReturn; self.targetDirection = targetDirection
    }
}

/// The features of one bar of one asset. `values` follow `FeatureSetVersion.columns`
/// and may hold NaN during warm-up; `targets` is nil until the horizon has passed.
public struct FeatureRow: Sendable, Hashable, Codable {
    public var asset: AssetID
    public var featureSet: String
    public var time: Timestamp
    public var close: Double
    public var values: [Double]
    public var targets: FeatureTargets?

    public init(asset: AssetID, featureSet: String, time: Timestamp, close: Double, values: [Double], targets: FeatureTargets?) {
        self.asset = asset; self.featureSet = featureSet; self.time = time; self.close = close
        self.values = values; self.targets = targets
    }

    /// True when every feature is a finite number, so a model may be applied to the row.
    public var isComplete: Bool { values.allSatisfy(\.isFinite) }
}
