/// Least-squares gradient boosting (scikit-learn's `GradientBoostingRegressor`): starts from
/// the training mean, then each depth-limited tree fits the residuals and is added with the
/// learning rate. Deterministic (no row or feature sampling); the seed only matters if
/// feature subsampling is turned on.
public struct GradientBoosting: Explainable, Hashable, Codable, TreeEnsembleModel {
    public static let formatVersion = 1

    /// The replaced system's defaults: 100 trees, depth 5, learning rate 0.1.
    public struct Hyperparameters: Sendable, Hashable, Codable {
        public var treeCount: Int
        public var maxDepth: Int
        public var learningRate: Double
        public var minSamplesLeaf: Int
        /// Share of features tried at each split (scikit-learn's default uses all).
        public var maxFeatures: Double
        public var maxBins: Int

        public init(treeCount: Int = 100, maxDepth: Int = 5, learningRate: Double = 0.1,
                    minSamplesLeaf: Int = 1, maxFeatures: Double = 1.0, maxBins: Int = HistogramBinning.defaultBins) {
            self.treeCount = treeCount; self.maxDepth = maxDepth; self.learningRate = learningRate
            self.minSamplesLeaf = minSamplesLeaf; self.maxFeatures = maxFeatures; self.maxBins = maxBins
        }
    }

    public let hyperparameters: Hyperparameters
    public let ensemble: TreeEnsemble

    public var expectedValue: Double { ensemble.expectedValue }
    public var featureImportance: [Double] { ensemble.featureImportance }
    public func predict(_ x: ArraySlice<Double>) -> Double { ensemble.predict(x) }
    public func contributions(_ x: ArraySlice<Double>) -> [Double] { ensemble.contributions(x) }

    /// Fits on `x` and `y`. `binning`: reuse one built for the same `x`; `threads`: workers for
    /// split finding (0 = all cores); results do not depend on it.
    public static func fit(x: Matrix, y: [Double], hyperparameters hp: Hyperparameters = .init(),
                           seed: UInt64, binning: HistogramBinning? = nil,
                           threads: Int = 0) throws(LearningError) -> GradientBoosting {
        try TreeHyperparameterCheck.require(hp.treeCount >= 1, "treeCount \(hp.treeCount) < 1")
        try TreeHyperparameterCheck.require(hp.maxDepth >= 0, "maxDepth \(hp.maxDepth) < 0")
        try TreeHyperparameterCheck.require(hp.learningRate > 0 && hp.learningRate.isFinite, "learningRate \(hp.learningRate) <= 0")
        try TreeHyperparameterCheck.require(hp.minSamplesLeaf >= 1, "minSamplesLeaf \(hp.minSamplesLeaf) < 1")
        try TreeHyperparameterCheck.require(hp.maxFeatures > 0 && hp.maxFeatures <= 1, "maxFeatures \(hp.maxFeatures) not in (0, 1]")
        let set = try TreeTrainingSet(x: x, y: y, binning: binning, maxBins: hp.maxBins)
        let base = set.mean
        let settings = TreeGrowthSettings(maxDepth: hp.maxDepth, minSamplesLeaf: hp.minSamplesLeaf,
                                          featureFraction: hp.maxFeatures, shrinkage: hp.learningRate,
                                          threads: ParallelWork.threads(threads))
        let trees = Boosting.squaredError(set: set, base: base, treeCount: hp.treeCount, settings: settings, seed: seed)
        return GradientBoosting(hyperparameters: hp,
                                ensemble: TreeEnsemble(base: base, scale: 1, featureCount: set.features, trees: trees))
    }

    init(hyperparameters: Hyperparameters, ensemble: TreeEnsemble) {
        self.hyperparameters = hyperparameters; self.ensemble = ensemble
    }

    public init(from decoder: any Decoder) throws { try self.init(decodingTreeModel: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeTreeModel(to: encoder) }
}
