/// How one tree is grown from gradients and hessians; each ensemble fills it from its
/// hyper-parameters. Plain least squares is `hessian = 1, lambda = 0`.
struct TreeGrowthSettings: Sendable, Hashable {
    /// Nodes at this depth (root = 0) become leaves.
    var maxDepth: Int
    /// Fewest rows (distinct training rows, not weight) a child may hold.
    var minSamplesLeaf: Int = 1
    /// Smallest hessian sum a child may hold (XGBoost's `min_child_weight`).
    var minChildWeight: Double = 0
    /// L2 penalty on leaf values: leaf = −G / (H + λ), gain uses G² / (H + λ).
    var lambda: Double = 0
    /// A split is made only when its gain is strictly above this (XGBoost skips gains ≤ 1e-6).
    var minSplitGain: Double = 0
    /// Share of features drawn (without replacement) as split candidates at each node.
    var featureFraction: Double = 1
    /// Visit candidate features in a seeded random order at each node, so equal gains (common
    /// among the highly correlated price-level features) go to a random feature.
    var randomTieBreak: Bool = false
    /// Place each threshold halfway between the node's neighbouring values (scikit-learn)
    /// rather than at the global bin edge (XGBoost's cut values).
    var nodeMidpointThresholds: Bool = true
    /// Multiplies every leaf value (the learning rate of boosting).
    var shrinkage: Double = 1
    /// Worker threads for split finding inside one tree (1 = none).
    var threads: Int = 1
}

/// Gradient and hessian sums of one histogram bin (or node), with its row count.
struct HistogramBin {
    var g: Double = 0
    var h: Double = 0
    var n: Int = 0
}

/// The best split found at a node: rows with `code(feature) <= bin` go left.
struct SplitChoice {
    var feature: Int = -1
    var bin: Int = -1
    var gain: Double = -.infinity
    var left = HistogramBin()
}

/// A grown tree and, for every training row, the leaf it landed in (−1 for rows the tree did
/// not see), so boosting can update its running predictions without re-walking the tree.
struct GrownTree: Sendable {
    let tree: RegressionTree
    let leafOfRow: [Int32]
}

extension TreeGrowthSettings {
    /// The best split of one feature from its histogram, or nil when no split is allowed.
    @inline(__always)
    func bestSplit(bins: UnsafePointer<HistogramBin>, count: Int, node: HistogramBin,
                   parentScore: Double) -> SplitChoice? {
        var best = SplitChoice()
        var acc = HistogramBin()
        for b in 0..<(count - 1) {
            let bin = bins[b]
            acc.g += bin.g; acc.h += bin.h; acc.n += bin.n
            if bin.n == 0 { continue }
            if acc.n < minSamplesLeaf || acc.h < minChildWeight { continue }
            let nr = node.n - acc.n
            let hr = node.h - acc.h
            if nr < minSamplesLeaf || hr < minChildWeight { break }
            let gr = node.g - acc.g
            let gain = acc.g * acc.g / (acc.h + lambda) + gr * gr / (hr + lambda) - parentScore
            if gain > best.gain { best.gain = gain; best.bin = b; best.left = acc }
        }
        return best.bin >= 0 ? best : nil
    }

    @inline(__always)
    func score(_ s: HistogramBin) -> Double { s.g * s.g / (s.h + lambda) }
}
