import Foundation

/// Boosted trees with logistic loss giving P(up) (scikit-learn's `GradientBoostingClassifier`):
/// the margin starts at the log-odds of the training base rate; each tree is split by least
/// squares on the residuals `y − p` and its leaves take one Newton step
/// `Σ(y − p) / Σ p(1 − p)`, times the learning rate.
///
/// `predict` returns P(up) = σ(margin). Explanations are on the margin (log-odds), where
/// TreeSHAP is additive: `expectedValue + Σ contributions(x) == margin(x)` (not P(up)).
/// `ensemble` is the margin model itself, an `Explainable` whose `predict` is the margin.
public struct DirectionClassifier: Explainable, Hashable, Codable, TreeEnsembleModel {
    public static let formatVersion = 1

    /// The replaced system's defaults: 100 trees, depth 5, learning rate 0.1.
    public struct Hyperparameters: Sendable, Hashable, Codable {
        public var treeCount: Int
        public var maxDepth: Int
        public var learningRate: Double
        public var minSamplesLeaf: Int
        public var maxBins: Int

        public init(treeCount: Int = 100, maxDepth: Int = 5, learningRate: Double = 0.1,
                    minSamplesLeaf: Int = 1, maxBins: Int = HistogramBinning.defaultBins) {
            self.treeCount = treeCount; self.maxDepth = maxDepth; self.learningRate = learningRate
            self.minSamplesLeaf = minSamplesLeaf; self.maxBins = maxBins
        }
    }

    public let hyperparameters: Hyperparameters
    /// The log-odds model: `ensemble.predict(x) == margin(x)`.
    public let ensemble: TreeEnsemble

    /// The log-odds of up for `x`.
    public func margin(_ x: ArraySlice<Double>) -> Double { ensemble.predict(x) }
    /// P(up) for `x`.
    public func predict(_ x: ArraySlice<Double>) -> Double { Self.probability(margin: margin(x)) }
    /// Expected margin (log-odds) over the training cover.
    public var expectedValue: Double { ensemble.expectedValue }
    /// TreeSHAP contributions to the margin (log-odds).
    public func contributions(_ x: ArraySlice<Double>) -> [Double] { ensemble.contributions(x) }
    public var featureImportance: [Double] { ensemble.featureImportance }

    static func probability(margin: Double) -> Double { 1 / (1 + exp(-margin)) }

    /// Fits on `x` and labels `y` (1 = up, 0 = not up). Throws when a label is not 0 or 1 or
    /// when only one class is present (P(up) would be degenerate).
    public static func fit(x: Matrix, y: [Double], hyperparameters hp: Hyperparameters = .init(),
                           seed: UInt64, binning: HistogramBinning? = nil,
                           threads: Int = 0) throws(LearningError) -> DirectionClassifier {
        try TreeHyperparameterCheck.require(hp.treeCount >= 1, "treeCount \(hp.treeCount) < 1")
        try TreeHyperparameterCheck.require(hp.maxDepth >= 0, "maxDepth \(hp.maxDepth) < 0")
        try TreeHyperparameterCheck.require(hp.learningRate > 0 && hp.learningRate.isFinite, "learningRate \(hp.learningRate) <= 0")
        try TreeHyperparameterCheck.require(hp.minSamplesLeaf >= 1, "minSamplesLeaf \(hp.minSamplesLeaf) < 1")
        if let bad = y.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw .shapeMismatch("direction label \(y[bad]) at row \(bad) is not 0 or 1")
        }
        let set = try TreeTrainingSet(x: x, y: y, binning: binning, maxBins: hp.maxBins)
        let rate = set.mean
        guard rate > 0, rate < 1 else { throw .singular("direction labels hold a single class") }
        let base = log(rate / (1 - rate))
        let settings = TreeGrowthSettings(maxDepth: hp.maxDepth, minSamplesLeaf: hp.minSamplesLeaf,
                                          shrinkage: hp.learningRate, threads: ParallelWork.threads(threads))
        let trees = Boosting.logistic(set: set, base: base, treeCount: hp.treeCount, settings: settings, seed: seed)
        return DirectionClassifier(hyperparameters: hp,
                                   ensemble: TreeEnsemble(base: base, scale: 1, featureCount: set.features, trees: trees))
    }

    init(hyperparameters: Hyperparameters, ensemble: TreeEnsemble) {
        self.hyperparameters = hyperparameters; self.ensemble = ensemble
    }

    public init(from decoder: any Decoder) throws { try self.init(decodingTreeModel: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeTreeModel(to: encoder) }
}
