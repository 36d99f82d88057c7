import Domain

/// Bagged regression trees (scikit-learn's `RandomForestRegressor`): each tree is grown to
/// `maxDepth` on a bootstrap sample (rows weighted by how often they were drawn, as scikit-learn
/// does) with least-squares splits over histogram bins; the forest predicts the mean of its trees.
///
/// scikit-learn splits exactly (between any two distinct values), and on these small training
/// sets 256 equal-count bins cost the forest about 2 % of hold-out RMSE; hence the default of
/// 1024 bins (about 1.6 rows per bin on 7 days, 6.7 on 30 days), which scikit-learn on
/// 1024-bin quantised features matches as well as exact splits, while 4096 bins made the
/// 30-day forest ~9× slower. Thresholds sit halfway between the node's neighbouring values.
///
/// Deterministic for a seed whatever the thread count: each tree draws from its own generator,
/// seeded in tree order from `seed`, and trees are combined in index order.
public struct RandomForest: Explainable, Hashable, Codable, TreeEnsembleModel {
    public static let formatVersion = 1
    /// Bins per feature unless asked otherwise (exact splits up to 1024 distinct values).
    public static let defaultBins = 1024

    /// The replaced system's defaults (`n_estimators=100, max_depth=10`, all features per split).
    public struct Hyperparameters: Sendable, Hashable, Codable {
        public var treeCount: Int = 100
        public var maxDepth: Int = 10
        public var minSamplesLeaf: Int = 1
        /// Share of features tried at each split (scikit-learn's regression default is 1.0).
        public var maxFeatures: Double = 1.0
        public var bootstrap: Bool = true
        /// Bins per feature; `defaultBins` makes splits exact on small windows.
        public var maxBins: Int = RandomForest.defaultBins

        public init(treeCount: Int = 100, maxDepth: Int = 10, minSamplesLeaf: Int = 1,
                    maxFeatures: Double = 1.0, bootstrap: Bool = true, maxBins: Int = RandomForest.defaultBins) {
            self.treeCount = treeCount; self.maxDepth = maxDepth; self.minSamplesLeaf = minSamplesLeaf
            self.maxFeatures = maxFeatures; self.bootstrap = bootstrap; self.maxBins = maxBins
        }
    }

    public let hyperparameters: Hyperparameters
    public let ensemble: TreeEnsemble

    public var expectedValue: Double { ensemble.expectedValue }
    public var featureImportance: [Double] { ensemble.featureImportance }
    public func predict(_ x: ArraySlice<Double>) -> Double { ensemble.predict(x) }
    public func contributions(_ x: ArraySlice<Double>) -> [Double] { ensemble.contributions(x) }

    /// Fits on `x` (rows × features, in the representation used at prediction) and `y`.
    /// `binning`: reused when it was built on the same `x` with `hp.maxBins` midpoint bins (else
    /// the forest builds its own); `threads`: 0 = all cores.
    public static func fit(x: Matrix, y: [Double], hyperparameters hp: Hyperparameters = .init(),
                           seed: UInt64, binning: HistogramBinning? = nil,
                           threads: Int = 0) throws(LearningError) -> RandomForest {
        let growth = try Growth(x: x, y: y, hyperparameters: hp, seed: seed, binning: binning)
        ParallelWork.forEach(count: ParallelWork.threads(threads), threads: ParallelWork.threads(threads)) { _ in growth.help() }
        return growth.forest()
    }

    init(hyperparameters: Hyperparameters, ensemble: TreeEnsemble) {
        self.hyperparameters = hyperparameters; self.ensemble = ensemble
    }

    public init(from decoder: any Decoder) throws { try self.init(decodingTreeModel: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeTreeModel(to: encoder) }
}
