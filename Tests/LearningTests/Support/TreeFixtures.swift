import Foundation
import Learning

/// Every tree family fitted once per window with the reference hyper-parameters (seed 42),
/// shared by the tree tests so each model is trained once per test process. `binning` (256
/// midpoint bins) is passed to every family, as the training pipeline does; the forest (1024
/// bins) and XGBoost (sketch cuts) do not match it and build their own.
struct TreeFits: Sendable {
    let data: PreparedFixture
    let binning: HistogramBinning
    let forest: RandomForest?
    let boosting: GradientBoosting
    let xgboost: XGBoostRegressor
    let classifier: DirectionClassifier
    let trainDirection: [Double]
    let holdoutDirection: [Int]

    static let seed: UInt64 = 42

    /// 7 days: every family, always.
    static let sevenDay: TreeFits? = Window.sevenDay.prepared.flatMap { try? TreeFits($0, withForest: true) }
    /// 30 days: the forest only when `SENTINEL_SLOW_TESTS` is set (slow in debug builds).
    static let thirtyDay: TreeFits? = Window.thirtyDay.prepared.flatMap {
        try? TreeFits($0, withForest: slowTestsEnabled)
    }

    static var slowTestsEnabled: Bool { ProcessInfo.processInfo.environment["SENTINEL_SLOW_TESTS"] != nil }

    init(_ data: PreparedFixture, withForest: Bool) throws {
        self.data = data
        let binning = try HistogramBinning(x: data.trainX)
        self.binning = binning
        let direction = Array(data.fixture.targetDirection[data.split.train]).map(Double.init)
        trainDirection = direction
        holdoutDirection = Array(data.fixture.targetDirection[data.split.holdout])
        forest = withForest
            ? try RandomForest.fit(x: data.trainX, y: data.trainY, seed: Self.seed, binning: binning) : nil
        boosting = try GradientBoosting.fit(x: data.trainX, y: data.trainY, seed: Self.seed, binning: binning)
        xgboost = try XGBoostRegressor.fit(x: data.trainX, y: data.trainY, seed: Self.seed, binning: binning)
        classifier = try DirectionClassifier.fit(x: data.trainX, y: direction, seed: Self.seed, binning: binning)
    }
}

/// Hold-out accuracy of P(up) thresholded at 0.5 (ties count as "not up", as scikit-learn's
/// `predict` does for probabilities exactly 0.5).
func thresholdAccuracy(probabilities: [Double], labels: [Int]) -> Double {
    let hits = zip(probabilities, labels).filter { ($0 > 0.5 ? 1 : 0) == $1 }.count
    return Double(hits) / Double(labels.count)
}

/// Round-trips a Codable value through JSONEncoder / JSONDecoder.
func jsonRoundTrip<T: Codable>(_ value: T) throws -> T {
    try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
}
