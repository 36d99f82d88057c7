import Domain

/// The boosting loop shared by the tree families: trees are grown one after another on the
/// gradients of the running predictions, and each tree's leaf values (learning rate included)
/// are added to the training rows' predictions through the leaf each row landed in.
enum Boosting {
    /// Least-squares boosting from `base`: gradient `F − y`, hessian 1.
    static func squaredError(set: TreeTrainingSet, base: Double, treeCount: Int,
                             settings: TreeGrowthSettings, seed: UInt64) -> [RegressionTree] {
        let n = set.rows
        let grower = set.grower
        let rows = set.allRows
        let ones = [Double](repeating: 1, count: n)
        var predictions = [Double](repeating: base, count: n)
        var g = [Double](repeating: 0, count: n)
        var rng = SplitMix64(seed: seed)
        var trees = [RegressionTree]()
        trees.reserveCapacity(treeCount)
        for _ in 0..<treeCount {
            for r in 0..<n { g[r] = predictions[r] - set.targets[r] }
            let grown = grower.grow(gradients: g, hessians: ones, rows: rows, settings: settings, rng: &rng)
            apply(grown, to: &predictions)
            trees.append(grown.tree)
        }
        return trees
    }

    /// Logistic-loss boosting on 0/1 labels from log-odds `base`: splits by least squares on
    /// the residuals `y − p` (hessian 1, as scikit-learn's `GradientBoostingClassifier`), leaf
    /// values by one Newton step `Σ(y − p) / Σ p(1 − p)`.
    static func logistic(set: TreeTrainingSet, base: Double, treeCount: Int,
                         settings: TreeGrowthSettings, seed: UInt64) -> [RegressionTree] {
        let n = set.rows
        let grower = set.grower
        let rows = set.allRows
        let ones = [Double](repeating: 1, count: n)
        var margins = [Double](repeating: base, count: n)
        var g = [Double](repeating: 0, count: n)
        var leafH = [Double](repeating: 0, count: n)
        var rng = SplitMix64(seed: seed)
        var trees = [RegressionTree]()
        trees.reserveCapacity(treeCount)
        for _ in 0..<treeCount {
            for r in 0..<n {
                let p = DirectionClassifier.probability(margin: margins[r])
                g[r] = p - set.targets[r]
                leafH[r] = p * (1 - p)
            }
            let grown = grower.grow(gradients: g, hessians: ones, leafHessians: leafH, rows: rows,
                                    settings: settings, rng: &rng)
            apply(grown, to: &margins)
            trees.append(grown.tree)
        }
        return trees
    }

    private static func apply(_ grown: GrownTree, to predictions: inout [Double]) {
        let values = grown.tree.value
        for (r, leaf) in grown.leafOfRow.enumerated() where leaf >= 0 {
            predictions[r] += values[Int(leaf)]
        }
    }
}
