/// Second-order boosting with XGBoost's objective (`reg:squarederror`, `tree_method=hist`):
/// gain `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`, leaves `−η·G/(H+λ)`, children need hessian
/// ≥ `minChildWeight`, and a split must gain more than `minSplitLoss` and than XGBoost's
/// built-in 1e-6 (`kRtEps`). `base_score` is the training mean, which is what XGBoost 3.2
/// estimates for squared error (the reference's `base_score` equals the target mean in float).
///
/// Bins and thresholds are XGBoost's: cuts from its quantile sketch on float32 values, and a
/// row goes left when its float32 value is strictly below the cut (`XGBoostQuantileCuts`), so
/// on the fixture windows the trees match XGBoost's and hold-out RMSE lands within 0.2 %.
public struct XGBoostRegressor: Explainable, Hashable, Codable, TreeEnsembleModel {
    public static let formatVersion = 1
    /// XGBoost refuses any split whose loss change is not above this.
    static let xgboostMinimumGain = 1e-6

    /// The replaced system's defaults: 100 trees, depth 6, eta 0.1, lambda 1 (XGBoost's
    /// `min_child_weight = 1`, `gamma = 0`, 256 bins).
    public struct Hyperparameters: Sendable, Hashable, Codable {
        public var treeCount: Int
        public var maxDepth: Int
        public var learningRate: Double
        public var lambda: Double
        public var minChildWeight: Double
        /// XGBoost's `gamma` / `min_split_loss`.
        public var minSplitLoss: Double
        public var maxBins: Int

        public init(treeCount: Int = 100, maxDepth: Int = 6, learningRate: Double = 0.1, lambda: Double = 1,
                    minChildWeight: Double = 1, minSplitLoss: Double = 0, maxBins: Int = HistogramBinning.defaultBins) {
            self.treeCount = treeCount; self.maxDepth = maxDepth; self.learningRate = learningRate
            self.lambda = lambda; self.minChildWeight = minChildWeight; self.minSplitLoss = minSplitLoss
            self.maxBins = maxBins
        }
    }

    public let hyperparameters: Hyperparameters
    public let ensemble: TreeEnsemble

    public var expectedValue: Double { ensemble.expectedValue }
    public var featureImportance: [Double] { ensemble.featureImportance }
    public func predict(_ x: ArraySlice<Double>) -> Double { ensemble.predict(x) }
    public func contributions(_ x: ArraySlice<Double>) -> [Double] { ensemble.contributions(x) }

    /// Fits on `x` and `y`. The seed is accepted for a uniform interface (no sampling here).
    /// Bins are XGBoost's own quantile-sketch cuts (`HistogramBinning.Placement.xgboostSketch`):
    /// `binning` is reused only when it was built that way with `hp.maxBins`, else the fit builds
    /// its own, so a midpoint binning shared with the other families is never used here.
    public static func fit(x: Matrix, y: [Double], hyperparameters hp: Hyperparameters = .init(),
                           seed: UInt64, binning: HistogramBinning? = nil,
                           threads: Int = 0) throws(LearningError) -> XGBoostRegressor {
        try TreeHyperparameterCheck.require(hp.treeCount >= 1, "treeCount \(hp.treeCount) < 1")
        try TreeHyperparameterCheck.require(hp.maxDepth >= 0, "maxDepth \(hp.maxDepth) < 0")
        try TreeHyperparameterCheck.require(hp.learningRate > 0 && hp.learningRate.isFinite, "learningRate \(hp.learningRate) <= 0")
        try TreeHyperparameterCheck.require(hp.lambda >= 0 && hp.lambda.isFinite, "lambda \(hp.lambda) < 0")
        try TreeHyperparameterCheck.require(hp.minChildWeight >= 0, "minChildWeight \(hp.minChildWeight) < 0")
        try TreeHyperparameterCheck.require(hp.minSplitLoss >= 0, "minSplitLoss \(hp.minSplitLoss) < 0")
        let set = try TreeTrainingSet(x: x, y: y, binning: binning, maxBins: hp.maxBins, placement: .xgboostSketch)
        let base = set.mean
        let settings = TreeGrowthSettings(maxDepth: hp.maxDepth, minChildWeight: hp.minChildWeight,
                                          lambda: hp.lambda,
                                          minSplitGain: max(hp.minSplitLoss, xgboostMinimumGain),
                                          nodeMidpointThresholds: false, shrinkage: hp.learningRate,
                                          threads: ParallelWork.threads(threads))
        let trees = Boosting.squaredError(set: set, base: base, treeCount: hp.treeCount, settings: settings, seed: seed)
        return XGBoostRegressor(hyperparameters: hp,
                                ensemble: TreeEnsemble(base: base, scale: 1, featureCount: set.features, trees: trees))
    }

    init(hyperparameters: Hyperparameters, ensemble: TreeEnsemble) {
        self.hyperparameters = hyperparameters; self.ensemble = ensemble
    }

    public init(from decoder: any Decoder) throws { try self.init(decodingTreeModel: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeTreeModel(to: encoder) }
}
