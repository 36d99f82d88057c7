import Dispatch
import Domain
import Synchronization

extension RandomForest {
    /// A forest grown tree by tree by whichever threads call ``help()``: a caller with other
    /// fits to run hands the forest the cores those leave idle, instead of giving it a fixed
    /// number of threads that compete with them.
    ///
    /// Invariant: each tree depends only on its own seed (drawn in tree order from the forest's
    /// seed) and the shared training set, and ``forest()`` collects trees in index order, so
    /// the result is ``RandomForest/fit(x:y:hyperparameters:seed:binning:threads:)``'s whoever
    /// grows which tree.
    public final class Growth: Sendable {
        private let set: TreeTrainingSet
        private let hyperparameters: Hyperparameters
        private let seeds: [UInt64]
        private let settings: TreeGrowthSettings
        /// The next tree index nobody has started.
        private let next = Atomic<Int>(0)
        private let trees: Mutex<[RegressionTree?]>
        /// Entered when a tree is started, left when it is stored.
        private let inFlight = DispatchGroup()

        public init(x: Matrix, y: [Double], hyperparameters hp: Hyperparameters = .init(), seed: UInt64,
                    binning: HistogramBinning? = nil) throws(LearningError) {
            try TreeHyperparameterCheck.require(hp.treeCount >= 1, "treeCount \(hp.treeCount) < 1")
            try TreeHyperparameterCheck.require(hp.maxDepth >= 0, "maxDepth \(hp.maxDepth) < 0")
            try TreeHyperparameterCheck.require(hp.minSamplesLeaf >= 1, "minSamplesLeaf \(hp.minSamplesLeaf) < 1")
            try TreeHyperparameterCheck.require(hp.maxFeatures > 0 && hp.maxFeatures <= 1, "maxFeatures \(hp.maxFeatures) not in (0, 1]")
            set = try TreeTrainingSet(x: x, y: y, binning: binning, maxBins: hp.maxBins)
            hyperparameters = hp
            var master = SplitMix64(seed: seed)
            seeds = (0..<hp.treeCount).map { _ in master.next() }
            settings = TreeGrowthSettings(maxDepth: hp.maxDepth, minSamplesLeaf: hp.minSamplesLeaf,
                                          featureFraction: hp.maxFeatures, randomTieBreak: true)
            trees = Mutex([RegressionTree?](repeating: nil, count: hp.treeCount))
        }

        /// Grows trees until every tree has been started; other callers may still be
        /// finishing theirs when this returns.
        public func help() {
            let grower = set.grower
            while true {
                inFlight.enter()
                let t = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard t < hyperparameters.treeCount else { inFlight.leave(); return }
                let tree = grow(t, grower)
                trees.withLock { $0[t] = tree }
                inFlight.leave()
            }
        }

        /// The forest: grows what is left on the calling thread, then waits for trees other
        /// threads are still growing.
        public func forest() -> RandomForest {
            help()
            inFlight.wait()
            let grown = trees.withLock { $0.compactMap { $0 } }
            let ensemble = TreeEnsemble(base: 0, scale: 1 / Double(hyperparameters.treeCount), featureCount: set.features,
                                        trees: grown)
            return RandomForest(hyperparameters: hyperparameters, ensemble: ensemble)
        }

        /// Tree `t`: least-squares splits on a bootstrap sample, each row weighted by how often it was drawn.
        private func grow(_ t: Int, _ grower: TreeGrower) -> RegressionTree {
            let n = set.rows, bootstrap = hyperparameters.bootstrap
            var rng = SplitMix64(seed: seeds[t])
            var weight = [Double](repeating: bootstrap ? 0 : 1, count: n)
            if bootstrap {
                for _ in 0..<n { weight[Int(rng.next().multipliedFullWidth(by: UInt64(n)).high)] += 1 }
            }
            var g = [Double](repeating: 0, count: n)
            var rows = [Int32]()
            rows.reserveCapacity(n)
            for r in 0..<n where weight[r] > 0 {
                g[r] = -weight[r] * set.targets[r]
                rows.append(Int32(r))
            }
            return grower.grow(gradients: g, hessians: weight, rows: rows, settings: settings, rng: &rng).tree
        }
    }
}
