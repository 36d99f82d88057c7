import Domain

/// Grows one regression tree over a binned training matrix from per-row gradients `g` and
/// hessians `h`: depth-first, splitting a node on the feature/bin that maximises the structure
/// score `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`, leaves `−G/(H+λ)` (times the shrinkage).
///
/// Split rules (fixed: the trees, bit for bit, must not depend on how they are computed):
/// nodes of at least `sortLimit` rows score a feature from its gradient histogram, where the
/// larger child's histogram is the parent's minus the smaller child's (bin by bin, in that
/// rounding); smaller nodes add their rows one by one in (code, row) order. Among equal gains
/// the first feature in candidate order wins, then the lowest bin.
///
/// Most trees keep `FeatureSegments` (every feature's rows of every node in code order), so
/// small nodes scan without sorting (and a large root sums its histogram feature by feature
/// from them). Large nodes keep dense histograms: a subtracted histogram carries rounding
/// remainders in bins the node no longer occupies, and they enter its scan.
struct TreeGrower: Sendable {
    let binning: HistogramBinning
    let binned: BinnedMatrix
    /// The raw training values, column-major like `binned.codes`, for node-local thresholds.
    let raw: [Double]
    /// Each feature's rows in code order, from which every tree takes its own segments.
    let presorted: PresortedColumns

    /// Nodes with fewer rows than this add rows one by one instead of using a histogram (up to
    /// 256 bins per feature); the limit grows with the bins (`sortedScanLimit(binsPerFeature:)`).
    /// Part of the split rules: changing it changes the trees' rounding.
    static let sortedScanLimit = 160

    /// With more bins than `HistogramBinning.defaultBins` (the forest's 1024), a node scans its
    /// rows directly below twice the bins per feature: a histogram scan visits every bin, most
    /// of them empty at such nodes, and direct row sums carry no subtraction remainders.
    static func sortedScanLimit(binsPerFeature: Int) -> Int {
        binsPerFeature > HistogramBinning.defaultBins ? min(2 * binsPerFeature, 1 << 16) : sortedScanLimit
    }

    /// Whether a tree on `rows` rows keeps `FeatureSegments`. Not when even a balanced tree's
    /// last splitting level would still hold `sortLimit` rows per node (the 30-day boosters):
    /// then few nodes are small, and keeping every feature's rows split at every level costs
    /// more than sorting those few. Either way the trees are the same.
    static func keepsSegments(rows: Int, maxDepth: Int, sortLimit: Int) -> Bool {
        maxDepth > 0 && rows < sortLimit << min(max(0, maxDepth - 1), 40)
    }

    /// Row × feature work below which a node is not worth splitting across threads.
    static let parallelWorkLimit = 1 << 16

    /// Grows a tree on `rows` (indices into the binned matrix; repeats not allowed).
    /// `leafHessians`, when given, replace `hessians` in leaf values only (a Newton step on a
    /// tree whose splits were found by least squares, as scikit-learn's classifier does).
    func grow(gradients: [Double], hessians: [Double], leafHessians: [Double]? = nil,
              rows: [Int32], settings: TreeGrowthSettings, rng: inout SplitMix64) -> GrownTree {
        binned.codes.withUnsafeBufferPointer { codes in raw.withUnsafeBufferPointer { raw in
            gradients.withUnsafeBufferPointer { g in
                hessians.withUnsafeBufferPointer { h in
                    (leafHessians ?? hessians).withUnsafeBufferPointer { lh in
                        let growth = TreeGrowth(grower: self, codes: codes, raw: raw, g: g, h: h, leafH: lh,
                                                rows: rows, settings: settings, rng: rng)
                        let tree = growth.run()
                        rng = growth.rng
                        return tree
                    }
                }
            }
        } }
    }
}

/// The mutable state of growing one tree. Lives inside `TreeGrower.grow` only.
///
/// Invariants: while the node over positions `lo..<hi` grows, `rows[lo..<hi]` holds its rows in
/// ascending order (splits partition stably), and `segments`, when present, holds the same rows
/// per feature in (code, row) order at the node's depth (`FeatureSegments`).
final class TreeGrowth {
    let codes: UnsafeBufferPointer<UInt16>
    let raw: UnsafeBufferPointer<Double>
    /// Each tree row's gradient and hessian side by side (one load per row in the scans);
    /// only the tree's rows are written.
    let gh: UnsafeMutableBufferPointer<GradientPair>
    let leafH: UnsafeBufferPointer<Double>
    let settings: TreeGrowthSettings
    let edges: [[Double]]
    let binCounts: [Int]
    let offsets: [Int]
    let totalBins: Int
    let matrixRows: Int
    let features: Int
    var rng: SplitMix64

    let rows: UnsafeMutableBufferPointer<Int32>
    let scratch: UnsafeMutableBufferPointer<Int32>
    let presorted: PresortedColumns
    /// Built in `run()` when the tree keeps segments (`TreeGrower.keepsSegments`); small nodes
    /// scan them, and smaller children's histograms are summed from them. Without them small
    /// nodes sort their rows (`sortedScan`, in `keys`).
    var segments: FeatureSegments?
    let keys: UnsafeMutableBufferPointer<UInt32>
    /// Scratch for `candidateFeatures()` (one slot per feature), so nodes allocate nothing.
    let candidateOrder: UnsafeMutableBufferPointer<Int>
    var pool: [UnsafeMutableBufferPointer<HistogramBin>] = []
    var allocated: [UnsafeMutableBufferPointer<HistogramBin>] = []
    var tree = RegressionTree()
    var leafOfRow: [Int32]

    init(grower: TreeGrower, codes: UnsafeBufferPointer<UInt16>, raw: UnsafeBufferPointer<Double>, g: UnsafeBufferPointer<Double>,
         h: UnsafeBufferPointer<Double>, leafH: UnsafeBufferPointer<Double>, rows: [Int32],
         settings: TreeGrowthSettings, rng: SplitMix64) {
        self.codes = codes; self.raw = raw; self.leafH = leafH
        self.settings = settings; self.rng = rng
        presorted = grower.presorted
        edges = grower.binning.edges
        binCounts = grower.binned.binCounts
        (offsets, totalBins) = grower.binned.histogramOffsets
        matrixRows = grower.binned.rows
        features = grower.binned.columns
        gh = .allocate(capacity: max(1, grower.binned.rows))
        for r in rows { gh[Int(r)] = GradientPair(g: g[Int(r)], h: h[Int(r)]) }
        let rowBuffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, rows.count))
        _ = rowBuffer.initialize(from: rows)
        self.rows = rowBuffer
        scratch = .allocate(capacity: max(1, rows.count))
        sortLimit = TreeGrower.sortedScanLimit(binsPerFeature: totalBins / max(1, features))
        keys = .allocate(capacity: sortLimit)
        candidateOrder = .allocate(capacity: max(1, features))
        candidateOrder.initialize(repeating: 0)
        leafOfRow = [Int32](repeating: -1, count: grower.binned.rows)
        rowCount = rows.count
    }

    let rowCount: Int
    /// Nodes with fewer rows are scanned in code order (`TreeGrower.sortedScanLimit(binsPerFeature:)`).
    let sortLimit: Int

    deinit {
        rows.deallocate(); scratch.deallocate(); keys.deallocate(); gh.deallocate(); candidateOrder.deallocate()
        for b in allocated { b.deallocate() }
    }

    func run() -> GrownTree {
        var totals = HistogramBin()
        for i in 0..<rowCount {
            let r = Int(rows[i])
            let p = gh[r]
            totals.g += p.g; totals.h += p.h; totals.n += 1
        }
        if TreeGrower.keepsSegments(rows: rowCount, maxDepth: settings.maxDepth, sortLimit: sortLimit) {
            segments = FeatureSegments(presorted: presorted, rows: UnsafeBufferPointer(rebasing: rows[0..<rowCount]))
        }
        var hist: UnsafeMutableBufferPointer<HistogramBin>?
        if rowCount >= sortLimit && settings.maxDepth > 0 {
            // Summing each feature's rows in code order writes every bin once, which beats
            // scattering rows into it when bins are dense (several rows each) but not when sparse.
            let sequential = segments != nil && rowCount >= 2 * (totalBins / max(1, features))
            let buffer = takeBuffer()
            if sequential {
                buildRootHistogramFromSegments(into: buffer)
            } else {
                buildHistogram(into: buffer, lo: 0, hi: rowCount)
            }
            hist = buffer
        }
        _ = growNode(lo: 0, hi: rowCount, depth: 0, totals: totals, hist: hist)
        return GrownTree(tree: tree, leafOfRow: leafOfRow)
    }

    /// Grows the node over `rows[lo..<hi]`; returns its index. Takes ownership of `hist`.
    private func growNode(lo: Int, hi: Int, depth: Int, totals: HistogramBin,
                          hist: UnsafeMutableBufferPointer<HistogramBin>?) -> Int {
        let node = tree.appendNode()
        let canSplit = depth < settings.maxDepth
            && totals.n >= 2 * settings.minSamplesLeaf
            && totals.h >= 2 * settings.minChildWeight
        guard canSplit, let split = findSplit(lo: lo, hi: hi, depth: depth, totals: totals, hist: hist),
              split.gain > settings.minSplitGain else {
            release(hist)
            makeLeaf(node, lo: lo, hi: hi)
            return node
        }
        let mid = partition(lo: lo, hi: hi, feature: split.feature, bin: split.bin)
        // Children at the depth limit, or too small to split, are leaves and never scan their segments.
        let childMaySplit = max(mid - lo, hi - mid) >= 2 * settings.minSamplesLeaf
        if depth + 1 < settings.maxDepth, childMaySplit, let segments {
            segments.partition(lo: lo, hi: hi, depth: depth, left: UnsafeBufferPointer(rebasing: rows[lo..<mid]),
                               right: UnsafeBufferPointer(rebasing: rows[mid..<hi]), threads: settings.threads)
        }
        let leftTotals = HistogramBin(g: split.left.g, h: split.left.h, n: mid - lo)
        let rightTotals = HistogramBin(g: totals.g - split.left.g, h: totals.h - split.left.h, n: hi - mid)

        let (leftHist, rightHist) = childHistograms(hist, lo: lo, mid: mid, hi: hi, depth: depth)
        tree.feature[node] = Int32(split.feature)
        tree.threshold[node] = threshold(feature: split.feature, bin: split.bin, lo: lo, mid: mid, hi: hi)
        tree.gain[node] = split.gain
        let l = growNode(lo: lo, hi: mid, depth: depth + 1, totals: leftTotals, hist: leftHist)
        let r = growNode(lo: mid, hi: hi, depth: depth + 1, totals: rightTotals, hist: rightHist)
        tree.left[node] = Int32(l)
        tree.right[node] = Int32(r)
        tree.cover[node] = tree.cover[l] + tree.cover[r]
        return node
    }

    /// The bin's upper edge, or (scikit-learn's choice) halfway between the largest value sent
    /// left and the smallest sent right at this node. Either routes this node's training rows
    /// exactly as their bin codes did.
    private func threshold(feature f: Int, bin: Int, lo: Int, mid: Int, hi: Int) -> Double {
        guard settings.nodeMidpointThresholds else { return edges[f][bin] }
        let column = raw.baseAddress! + f * matrixRows
        var largestLeft = -Double.infinity, smallestRight = Double.infinity
        for i in lo..<mid { largestLeft = max(largestLeft, column[Int(rows[i])]) }
        for i in mid..<hi { smallestRight = min(smallestRight, column[Int(rows[i])]) }
        return HistogramBinning.midpoint(largestLeft, smallestRight)
    }

    private func makeLeaf(_ node: Int, lo: Int, hi: Int) {
        var sumG = 0.0, sumH = 0.0, sumLeafH = 0.0
        for i in lo..<hi {
            let r = Int(rows[i])
            let p = gh[r]
            sumG += p.g; sumH += p.h; sumLeafH += leafH[r]
            leafOfRow[r] = Int32(node)
        }
        let denominator = sumLeafH + settings.lambda
        // A vanishing denominator (all probabilities saturated) gives no step, as scikit-learn does.
        let raw = abs(denominator) < 1e-150 ? 0 : -sumG / denominator
        tree.value[node] = raw * settings.shrinkage
        tree.cover[node] = sumH
    }

    /// Features to consider at this node: all, or a seeded random subset in ascending order
    /// (in `candidateOrder`, valid until the next call).
    private func candidateFeatures() -> UnsafeMutableBufferPointer<Int> {
        for f in 0..<features { candidateOrder[f] = f }
        guard settings.featureFraction < 1 || settings.randomTieBreak else { return candidateOrder }
        let k = max(1, min(features, Int(settings.featureFraction * Double(features))))
        for i in 0..<k {
            let j = i + Int(rng.next().multipliedFullWidth(by: UInt64(features - i)).high)
            candidateOrder.swapAt(i, j)
        }
        // In drawn order, equal gains go to a random feature (scikit-learn visits features in a
        // random order); otherwise to the lowest index (XGBoost's rule).
        var drawn = UnsafeMutableBufferPointer(rebasing: candidateOrder[0..<k])
        if !settings.randomTieBreak { drawn.sort() }
        return drawn
    }

    /// The children's histograms under the split rules: when the larger child has at least
    /// `sortLimit` rows, the larger's is the parent's minus the smaller's (the smaller's kept if
    /// it too has `sortLimit` rows); otherwise neither has one. Children at the depth limit or
    /// too small to split never scan, so they get none.
    private func childHistograms(_ hist: UnsafeMutableBufferPointer<HistogramBin>?, lo: Int, mid: Int, hi: Int,
                                 depth: Int) -> (UnsafeMutableBufferPointer<HistogramBin>?, UnsafeMutableBufferPointer<HistogramBin>?) {
        let leftIsSmaller = mid - lo <= hi - mid
        let larger = max(mid - lo, hi - mid), smaller = min(mid - lo, hi - mid)
        // As `growNode` partitions segments: not for children that are all leaves.
        guard let hist, larger >= sortLimit, larger >= 2 * settings.minSamplesLeaf, depth + 1 < settings.maxDepth else {
            release(hist); return (nil, nil)
        }
        let small = leftIsSmaller ? NodeSpan(lo: lo, hi: mid) : NodeSpan(lo: mid, hi: hi)
        let kept = smaller >= sortLimit ? takeBuffer() : nil
        if segments != nil && sortLimit > TreeGrower.sortedScanLimit {
            // Many bins (the forest's): the smaller child occupies few of them.
            subtractSmaller(small, depth: depth + 1, from: hist, keepingIn: kept)
        } else {
            // The smaller child's bins are summed from its rows (in row order, as every bin sum
            // is) and taken from the parent's feature by feature, while they are in cache.
            let built = kept ?? takeBuffer()
            buildHistogram(into: built, lo: small.lo, hi: small.hi, subtractingFrom: hist)
            if kept == nil { release(built) }
        }
        return leftIsSmaller ? (kept, hist) : (hist, kept)
    }

    /// The best split over the candidate features, taken in candidate order: a feature wins
    /// only with a strictly larger gain. Scanned one after another, each feature's scan is
    /// given the best gain so far as a floor (`SplitGainBound`): positions that cannot beat it
    /// could never be chosen, so skipping their divisions changes nothing.
    private func findSplit(lo: Int, hi: Int, depth: Int, totals: HistogramBin,
                           hist: UnsafeMutableBufferPointer<HistogramBin>?) -> SplitChoice? {
        let candidates = candidateFeatures()
        let parentScore = settings.score(totals)
        var best: SplitChoice?
        let parallel = settings.threads > 1 && (hi - lo) * candidates.count >= TreeGrower.parallelWorkLimit
        if let hist, parallel {
            let candidates = Array(candidates)
            let base = SharedPointer(base: hist.baseAddress!)
            let settings = self.settings, offsets = self.offsets, binCounts = self.binCounts
            let scan: @Sendable (Int) -> SplitChoice? = { i in
                let f = candidates[i]
                var choice = settings.bestSplit(bins: base.base + offsets[f], count: binCounts[f],
                                                node: totals, parentScore: parentScore, floor: -.infinity)
                choice?.feature = f
                return choice
            }
            let results = ParallelWork.map(count: candidates.count, threads: settings.threads, scan)
            for case let c? in results where c.gain > (best?.gain ?? -.infinity) { best = c }
            return best
        }
        // Features are scanned two at a time where they can be (`scanSegmentPair`,
        // `bestSplitPair`); each result is then taken in candidate order exactly as
        // one-at-a-time scans would take it.
        var k = 0
        while k < candidates.count {
            let f = candidates[k]
            if k + 1 < candidates.count {
                let f2 = candidates[k + 1]
                var pair: (SplitChoice?, SplitChoice?)?
                if let hist {
                    if binCounts[f] == binCounts[f2] {
                        var (a, b) = settings.bestSplitPair(hist.baseAddress! + offsets[f], hist.baseAddress! + offsets[f2],
                                                            count: binCounts[f], node: totals, parentScore: parentScore,
                                                            floor: best?.gain ?? -.infinity)
                        a?.feature = f; b?.feature = f2
                        pair = (a, b)
                    }
                } else if segments != nil {
                    pair = scanSegmentPair(f, f2, lo: lo, hi: hi, depth: depth, totals: totals,
                                           parentScore: parentScore, floor: best?.gain ?? -.infinity)
                }
                if let (a, b) = pair {
                    if let c = a, c.gain > (best?.gain ?? -.infinity) { best = c }
                    if let c = b, c.gain > (best?.gain ?? -.infinity) { best = c }
                    k += 2
                    continue
                }
            }
            let floor = best?.gain ?? -.infinity
            var choice: SplitChoice?
            if let hist {
                choice = settings.bestSplit(bins: hist.baseAddress! + offsets[f], count: binCounts[f],
                                            node: totals, parentScore: parentScore, floor: floor)
                choice?.feature = f
            } else if segments != nil {
                choice = scanSegment(feature: f, lo: lo, hi: hi, depth: depth, totals: totals,
                                     parentScore: parentScore, floor: floor)
            } else {
                choice = sortedScan(feature: f, lo: lo, hi: hi, totals: totals, parentScore: parentScore, floor: floor)
            }
            if let c = choice, c.gain > floor { best = c }
            k += 1
        }
        return best
    }

    /// Stable partition of `rows[lo..<hi]`: rows whose code is `<= bin` first; returns the boundary.
    private func partition(lo: Int, hi: Int, feature f: Int, bin: Int) -> Int {
        let column = codes.baseAddress! + f * matrixRows
        let limit = UInt16(bin)
        var l = lo, r = 0
        for i in lo..<hi {
            let row = rows[i]
            if column[Int(row)] <= limit { rows[l] = row; l += 1 } else { scratch[r] = row; r += 1 }
        }
        for i in 0..<r { rows[l + i] = scratch[i] }
        return l
    }
}
