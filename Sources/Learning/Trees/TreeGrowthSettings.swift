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

/// One training row's gradient and hessian, stored side by side for the scans.
struct GradientPair {
    var g: Double
    var h: Double
}

/// A node's rows: positions `lo..<hi` of the tree's row list (and of every feature's segment).
struct NodeSpan {
    let lo: Int
    let hi: Int
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
    /// Positions whose gain cannot exceed `floor` (the best of the features before) may be
    /// skipped, so a result with a gain at or below `floor` is not necessarily this feature's best.
    /// Every bin is added (an empty one may hold a subtraction's rounding remainder), but only
    /// occupied bins are split points.
    @inline(__always)
    func bestSplit(bins: UnsafePointer<HistogramBin>, count: Int, node: HistogramBin,
                   parentScore: Double, floor: Double) -> SplitChoice? {
        var best = SplitChoice()
        var acc = HistogramBin()
        var bound = SplitGainBound(best: floor, parentScore: parentScore)
        for b in 0..<(count - 1) {
            let bin = bins[b]
            acc.g += bin.g; acc.h += bin.h; acc.n &+= bin.n
            if bin.n == 0 { continue }
            if acc.n < minSamplesLeaf || acc.h < minChildWeight { continue }
            let nr = node.n &- acc.n
            let hr = node.h - acc.h
            if nr < minSamplesLeaf || hr < minChildWeight { break }
            let gr = node.g - acc.g
            let left = acc.g * acc.g, right = gr * gr, leftH = acc.h + lambda, rightH = hr + lambda
            guard SplitGainBound.mayBeat(bound, left: left, leftH: leftH, right: right, rightH: rightH) else { continue }
            let gain = left / leftH + right / rightH - parentScore
            if gain > best.gain {
                best.gain = gain; best.bin = b; best.left = acc
                bound = SplitGainBound(best: max(gain, floor), parentScore: parentScore)
            }
        }
        return best.bin >= 0 ? best : nil
    }

    /// `bestSplit` for two features with the same bin count at once, lane by lane in `SIMD2`
    /// (lane x: `binsA`, lane y: `binsB`): each lane computes exactly what `bestSplit` computes
    /// for its feature, including where it stops, so each result is what `bestSplit` would
    /// return for that feature given `floor` (the floor given to both only prunes less).
    @inline(__always)
    func bestSplitPair(_ binsA: UnsafePointer<HistogramBin>, _ binsB: UnsafePointer<HistogramBin>, count: Int,
                       node: HistogramBin, parentScore: Double, floor: Double) -> (SplitChoice?, SplitChoice?) {
        var bestA = SplitChoice(), bestB = SplitChoice()
        var accG = SIMD2<Double>(), accH = SIMD2<Double>(), nA = 0, nB = 0
        var openA = true, openB = true
        var target = SIMD2<Double>(repeating: SplitGainBound(best: floor, parentScore: parentScore).target)
        let nodeG = SIMD2<Double>(repeating: node.g), nodeH = SIMD2<Double>(repeating: node.h)
        let lambdaV = SIMD2<Double>(repeating: lambda)
        for b in 0..<(count - 1) {
            let x = binsA[b], y = binsB[b]
            accG += SIMD2(x.g, y.g); accH += SIMD2(x.h, y.h); nA &+= x.n; nB &+= y.n
            let hr = nodeH - accH, gr = nodeG - accG
            let left = accG * accG, right = gr * gr, leftH = accH + lambdaV, rightH = hr + lambdaV
            // Whether the bin is occupied is left to the rare path (as in `scanSegmentPair`).
            let pass = .!(left * rightH + right * leftH .< target * (leftH * rightH))
            let stopA = openA && (node.n &- nA < minSamplesLeaf || hr.x < minChildWeight)
            let stopB = openB && (node.n &- nB < minSamplesLeaf || hr.y < minChildWeight)
            guard stopA || stopB || any(pass) else { continue }
            if openA && x.n != 0 && nA >= minSamplesLeaf && accH.x >= minChildWeight {
                if stopA {
                    openA = false; target.x = .infinity
                } else if pass[0] {
                    let gain = left.x / leftH.x + right.x / rightH.x - parentScore
                    if gain > bestA.gain {
                        bestA.gain = gain; bestA.bin = b; bestA.left = HistogramBin(g: accG.x, h: accH.x, n: nA)
                        target.x = SplitGainBound(best: max(gain, floor), parentScore: parentScore).target
                    }
                }
            }
            if openB && y.n != 0 && nB >= minSamplesLeaf && accH.y >= minChildWeight {
                if stopB {
                    openB = false; target.y = .infinity
                } else if pass[1] {
                    let gain = left.y / leftH.y + right.y / rightH.y - parentScore
                    if gain > bestB.gain {
                        bestB.gain = gain; bestB.bin = b; bestB.left = HistogramBin(g: accG.y, h: accH.y, n: nB)
                        target.y = SplitGainBound(best: max(gain, floor), parentScore: parentScore).target
                    }
                }
            }
            if !openA && !openB { break }
        }
        return (bestA.bin >= 0 ? bestA : nil, bestB.bin >= 0 ? bestB : nil)
    }

    @inline(__always)
    func score(_ s: HistogramBin) -> Double { s.g * s.g / (s.h + lambda) }
}

/// A division-free pre-check for split scans: most positions of a feature score far below the
/// best split found so far, and the two divisions of the gain dominate a scan's cost.
///
/// The gain is `l/lh + r/rh − p` with `l, r ≥ 0` and `lh, rh ≥ 0`. When `best + p > 0`,
/// `l·rh + r·lh < (best + p)·lh·rh·(1 − 1e-12)` (all terms non-negative, so the rounding of
/// either side is a few ulps, far inside the 1e-12 margin) proves the exactly computed gain
/// cannot exceed `best`, so skipping it picks the same split, bit for bit, as evaluating it.
/// Any other case (no best yet, `best + p ≤ 0`, a zero denominator) is never skipped.
struct SplitGainBound {
    /// `(best + p)·(1 − 1e-12)`, or −∞ when nothing may be skipped (`best` is −∞ before any split).
    let target: Double

    init(best: Double, parentScore: Double) {
        let sum = best + parentScore
        target = sum > 0 && sum.isFinite ? sum * (1 - 1e-12) : -.infinity
    }

    /// False only when the gain provably cannot beat the best (see the type's comment).
    @inline(__always)
    static func mayBeat(_ bound: SplitGainBound, left: Double, leftH: Double, right: Double, rightH: Double) -> Bool {
        !(left * rightH + right * leftH < bound.target * (leftH * rightH))
    }
}
