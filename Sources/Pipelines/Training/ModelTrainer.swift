public import Domain
public import Learning
import Foundation

/// Trains every model family on one training window: pure, no I/O, deterministic for a seed.
///
/// Rows are split time-ordered with the horizon purged at the boundary; a standard scaler
/// is fitted on the training rows, and every model (regressors, the direction classifier and
/// the regime model) is fitted on, and later applied to, the scaled rows.
public struct ModelTrainer: Sendable {
    /// Hyper-parameters per family (design.md §4 defaults).
    public var ridgeAlpha = 1.0
    public var randomForest = RandomForest.Hyperparameters()
    public var gradientBoosting = GradientBoosting.Hyperparameters()
    public var xgboost = XGBoostRegressor.Hyperparameters()
    public var classifier = DirectionClassifier.Hyperparameters()
    public var horizon = 6
    /// Threads for tree ensembles; 0 = all cores.
    public var threads = 0

    public init() {}

    /// One fitted regressor with its hold-out quality.
    public struct Candidate: Sendable {
        public var family: ModelFamily
        public var payload: ModelPayload
        public var hyperparameters: JSONValue
        public var metrics: ModelMetrics
        public var importance: [Double]
        public var fitSeconds: Double
    }

    public struct Outcome: Sendable {
        public var split: PurgedSplit
        public var scaler: StandardScaler
        /// Regressors, in family order; persistence included as the baseline.
        public var candidates: [Candidate]
        public var classifier: DirectionClassifier
        public var classifierMetrics: ClassificationMetrics
        public var regimes: RegimeModel
        public var totalSeconds: Double

        /// The regressor with the lowest hold-out RMSE of the return (persistence excluded:
        /// it is the yardstick; the winner's skill says whether it beats it).
        public var winner: Candidate? {
            candidates.filter { $0.family != .persistence }.min { $0.metrics.rmse < $1.metrics.rmse }
        }
    }

    /// - Parameters:
    ///   - x: raw feature rows (time order), `y`: their target log returns, `direction`: 1 up / 0 not.
    ///   - volatilityColumn: the column the regime names use for "volatile".
    public func train(x: Matrix, y: [Double], direction: [Int], volatilityColumn: Int, seed: UInt64) throws -> Outcome {
        let start = Date()
        let split = try PurgedSplit(rowCount: x.rows, horizon: horizon)
        let scaler = try StandardScaler(fitting: x.selecting(rows: split.train))
        let scaled = try scaler.transform(x)
        let xTrain = scaled.selecting(rows: split.train), xHold = scaled.selecting(rows: split.holdout)
        let yTrain = Array(y[split.train]), yHold = Array(y[split.holdout])

        var candidates: [Candidate] = []
        /// `seconds`: the fit's own time when it ran elsewhere (else the time `fit` takes here).
        func add(_ family: ModelFamily, _ hp: JSONValue, seconds fitted: Double? = nil, _ fit: () throws -> ModelPayload) throws {
            let t0 = Date()
            let payload = try fit()
            let seconds = fitted ?? Date().timeIntervalSince(t0)
            guard let predictor = payload.predictor else { return }
            let predicted = predictor.predict(xHold)
            candidates.append(Candidate(family: family, payload: payload, hyperparameters: hp,
                                        metrics: RegressionMetrics.evaluate(predicted: predicted, actual: yHold),
                                        importance: predictor.featureImportance, fitSeconds: seconds))
        }

        let binning = try HistogramBinning(x: xTrain)
        let rf = randomForest, gb = gradientBoosting, xgb = xgboost, classifierHyperparameters = self.classifier
        let threads = threads, cores = threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        // Two lanes of serial fits, the forest's trees filling whatever cores they leave:
        // this thread fits gradient boosting then the classifier, a second the XGBoost-style
        // model then the regimes, and each turns to growing forest trees when done (as do any
        // further cores from the start). No core idles while another still has work, and no
        // fit's threads compete with another's. Results do not depend on it: each fit is
        // seeded and the forest collects its trees in order.
        let lanesStart = Date()
        let forestGrowth = ConcurrentResult<RandomForest.Growth> {
            try RandomForest.Growth(x: xTrain, y: yTrain, hyperparameters: rf, seed: seed &+ 1, binning: binning)
        }
        let volatility = split.train.map { x[$0, volatilityColumn] }
        let secondLane = ConcurrentResult<(XGBoostRegressor, Double, RegimeModel)> {
            defer { (try? forestGrowth.value())?.help() }
            let t0 = Date()
            let sketch = try XGBoostRegressor.fit(x: xTrain, y: yTrain, hyperparameters: xgb, seed: seed &+ 3,
                                                  binning: binning, threads: threads)
            let sketchSeconds = Date().timeIntervalSince(t0)
            let regimes = try RegimeModel(fitting: xTrain, returns: yTrain, volatility: volatility, seed: seed &+ 5)
            return (sketch, sketchSeconds, regimes)
        }
        for _ in 2..<max(2, cores) {
            _ = ConcurrentResult<Void> { (try? forestGrowth.value())?.help() }
        }
        try add(.persistence, .object([])) { .persistence(Persistence(featureCount: x.columns)) }
        try add(.ridge, .object([("alpha", .number(ridgeAlpha))])) {
            .ridge(try RidgeRegression(fitting: xTrain, targets: yTrain, alpha: ridgeAlpha))
        }
        try add(.gradientBoosting, .object([("trees", .number(Double(gb.treeCount))), ("max_depth", .number(Double(gb.maxDepth))),
                                            ("learning_rate", .number(gb.learningRate))])) {
            .gradientBoosting(try GradientBoosting.fit(x: xTrain, y: yTrain, hyperparameters: gb, seed: seed &+ 2, binning: binning, threads: threads))
        }
        let dirTrain = split.train.map { Double(direction[$0]) }
        let classifier = try DirectionClassifier.fit(x: xTrain, y: dirTrain, hyperparameters: classifierHyperparameters,
                                                     seed: seed &+ 4, binning: binning, threads: threads)
        let growth = try forestGrowth.value()
        growth.help()
        let forest = growth.forest()
        // The forest's time is its wall span, its trees sharing the cores with the other fits.
        let forestSeconds = Date().timeIntervalSince(lanesStart)
        let (sketch, sketchSeconds, regimes) = try secondLane.value()
        try add(.xgboost, .object([("trees", .number(Double(xgb.treeCount))), ("max_depth", .number(Double(xgb.maxDepth))),
                                   ("learning_rate", .number(xgb.learningRate)), ("lambda", .number(xgb.lambda)),
                                   ("min_child_weight", .number(xgb.minChildWeight))]), seconds: sketchSeconds) {
            .xgboost(sketch)
        }
        try add(.randomForest, .object([("trees", .number(Double(rf.treeCount))), ("max_depth", .number(Double(rf.maxDepth))),
                                        ("max_features", .number(rf.maxFeatures)), ("bootstrap", .bool(rf.bootstrap))]),
                seconds: forestSeconds) {
            .randomForest(forest)
        }
        let probabilities = classifier.predict(xHold)
        let classifierMetrics = ClassificationMetrics(probabilities: probabilities, labels: split.holdout.map { direction[$0] })

        return Outcome(split: split, scaler: scaler, candidates: candidates, classifier: classifier,
                       classifierMetrics: classifierMetrics, regimes: regimes,
                       totalSeconds: Date().timeIntervalSince(start))
    }
}

/// Runs a throwing computation on a thread of its own; `value()` waits for it.
final class ConcurrentResult<T: Sendable>: @unchecked Sendable {
    // `result` is written once by the worker thread before `done` is signalled, and read
    // only after waiting on `done`.
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphoreLike()

    init(_ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            let r: Result<T, any Error>
            do { r = .success(try body()) } catch { r = .failure(error) }
            self.result = r
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func value() throws -> T {
        done.wait()
        guard let result else { throw PipelineError.invalidInput("a concurrent fit ended without a result") }
        return try result.get()
    }
}
