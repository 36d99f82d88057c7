import Domain

/// Grows one regression tree over a binned training matrix from per-row gradients `g` and
/// hessians `h`: depth-first, splitting a node on the feature/bin that maximises the structure
/// score `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`, leaves `−G/(H+λ)` (times the shrinkage).
///
/// Large nodes use gradient histograms (the larger child's histogram is the parent's minus the
/// smaller child's); small nodes sort their rows by bin code instead, which is cheaper than
/// scanning 256 mostly empty bins per feature. Both scans pick the same split: the lowest
/// feature, then the lowest bin, among equal gains.
struct TreeGrower: Sendable {
    let binning: HistogramBinning
    let binned: BinnedMatrix
    /// The raw training values, column-major like `binned.codes`, for node-local thresholds.
    let raw: [Double]

    /// Nodes with fewer rows than this are scanned by sorting instead of by histogram (at
    /// 256 bins per feature); finer bins make every histogram dearer, so the limit grows with
    /// the bins per feature (`sortedScanLimit(binsPerFeature:)`).
    static let sortedScanLimit = 160

    static func sortedScanLimit(binsPerFeature: Int) -> Int { max(sortedScanLimit, binsPerFeature / 8) }
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
final class TreeGrowth {
    let codes: UnsafeBufferPointer<UInt16>
    let raw: UnsafeBufferPointer<Double>
    let g: UnsafeBufferPointer<Double>
    let h: UnsafeBufferPointer<Double>
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
    let keys: UnsafeMutableBufferPointer<UInt32>
    var pool: [UnsafeMutableBufferPointer<HistogramBin>] = []
    var allocated: [UnsafeMutableBufferPointer<HistogramBin>] = []
    var tree = RegressionTree()
    var leafOfRow: [Int32]

    init(grower: TreeGrower, codes: UnsafeBufferPointer<UInt16>, raw: UnsafeBufferPointer<Double>, g: UnsafeBufferPointer<Double>,
         h: UnsafeBufferPointer<Double>, leafH: UnsafeBufferPointer<Double>, rows: [Int32],
         settings: TreeGrowthSettings, rng: SplitMix64) {
        self.codes = codes; self.raw = raw; self.g = g; self.h = h; self.leafH = leafH
        self.settings = settings; self.rng = rng
        edges = grower.binning.edges
        binCounts = grower.binned.binCounts
        (offsets, totalBins) = grower.binned.histogramOffsets
        matrixRows = grower.binned.rows
        features = grower.binned.columns
        let rowBuffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, rows.count))
        _ = rowBuffer.initialize(from: rows)
        self.rows = rowBuffer
        scratch = .allocate(capacity: max(1, rows.count))
        sortLimit = TreeGrower.sortedScanLimit(binsPerFeature: totalBins / max(1, features))
        keys = .allocate(capacity: sortLimit)
        leafOfRow = [Int32](repeating: -1, count: grower.binned.rows)
        rowCount = rows.count
    }

    let rowCount: Int
    /// Nodes with fewer rows are scanned by sorting (`TreeGrower.sortedScanLimit(binsPerFeature:)`).
    let sortLimit: Int

    deinit {
        rows.deallocate(); scratch.deallocate(); keys.deallocate()
        for b in allocated { b.deallocate() }
    }

    func run() -> GrownTree {
        var totals = HistogramBin()
        for i in 0..<rowCount {
            let r = Int(rows[i])
            totals.g += g[r]; totals.h += h[r]; totals.n += 1
        }
        var hist: UnsafeMutableBufferPointer<HistogramBin>?
        if rowCount >= sortLimit {
            let buffer = takeBuffer()
            buildHistogram(into: buffer, lo: 0, hi: rowCount)
            hist = buffer
        }
        _ = growNode(lo: 0, hi: rowCount, depth: 0, totals: totals, hist: hist)
        return GrownTree(tree: tree, leafOfRow: leafOfRow)
    }

    private func takeBuffer() -> UnsafeMutableBufferPointer<HistogramBin> {
        if let b = pool.popLast() { return b }
        let b = UnsafeMutableBufferPointer<HistogramBin>.allocate(capacity: totalBins)
        b.initialize(repeating: HistogramBin())
        allocated.append(b)
        return b
    }

    private func release(_ b: UnsafeMutableBufferPointer<HistogramBin>?) {
        if let b { pool.append(b) }
    }

    /// Grows the node over `rows[lo..<hi]`; returns its index. Takes ownership of `hist`.
    private func growNode(lo: Int, hi: Int, depth: Int, totals: HistogramBin,
                          hist: UnsafeMutableBufferPointer<HistogramBin>?) -> Int {
        let node = tree.appendNode()
        let canSplit = depth < settings.maxDepth
            && totals.n >= 2 * settings.minSamplesLeaf
            && totals.h >= 2 * settings.minChildWeight
        guard canSplit, let split = findSplit(lo: lo, hi: hi, totals: totals, hist: hist),
              split.gain > settings.minSplitGain else {
            release(hist)
            makeLeaf(node, lo: lo, hi: hi)
            return node
        }
        let mid = partition(lo: lo, hi: hi, feature: split.feature, bin: split.bin)
        let leftTotals = HistogramBin(g: split.left.g, h: split.left.h, n: mid - lo)
        let rightTotals = HistogramBin(g: totals.g - split.left.g, h: totals.h - split.left.h, n: hi - mid)

        var leftHist: UnsafeMutableBufferPointer<HistogramBin>?
        var rightHist: UnsafeMutableBufferPointer<HistogramBin>?
        let leftIsSmaller = leftTotals.n <= rightTotals.n
        let largerCount = max(leftTotals.n, rightTotals.n)
        if let hist, largerCount >= sortLimit {
            let small = takeBuffer()
            if leftIsSmaller { buildHistogram(into: small, lo: lo, hi: mid) } else { buildHistogram(into: small, lo: mid, hi: hi) }
            subtract(small, from: hist)
            let smallKept = min(leftTotals.n, rightTotals.n) >= sortLimit ? small : nil
            if smallKept == nil { release(small) }
            if leftIsSmaller { leftHist = smallKept; rightHist = hist } else { leftHist = hist; rightHist = smallKept }
        } else {
            release(hist)
        }
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
            sumG += g[r]; sumH += h[r]; sumLeafH += leafH[r]
            leafOfRow[r] = Int32(node)
        }
        let denominator = sumLeafH + settings.lambda
        // A vanishing denominator (all probabilities saturated) gives no step, as scikit-learn does.
        let raw = abs(denominator) < 1e-150 ? 0 : -sumG / denominator
        tree.value[node] = raw * settings.shrinkage
        tree.cover[node] = sumH
    }

    /// Features to consider at this node: all, or a seeded random subset in ascending order.
    private func candidateFeatures() -> [Int] {
        guard settings.featureFraction < 1 || settings.randomTieBreak else { return Array(0..<features) }
        let k = max(1, min(features, Int(settings.featureFraction * Double(features))))
        var all = Array(0..<features)
        for i in 0..<k {
            let j = i + Int(rng.next().multipliedFullWidth(by: UInt64(features - i)).high)
            all.swapAt(i, j)
        }
        // In drawn order, equal gains go to a random feature (scikit-learn visits features in a
        // random order); otherwise to the lowest index (XGBoost's rule).
        return settings.randomTieBreak ? Array(all[0..<k]) : all[0..<k].sorted()
    }

    private func findSplit(lo: Int, hi: Int, totals: HistogramBin,
                           hist: UnsafeMutableBufferPointer<HistogramBin>?) -> SplitChoice? {
        let candidates = candidateFeatures()
        let parentScore = settings.score(totals)
        var results = [SplitChoice?]()
        if let hist {
            let base = SharedPointer(base: hist.baseAddress!)
            let settings = self.settings, offsets = self.offsets, binCounts = self.binCounts
            let scan: @Sendable (Int) -> SplitChoice? = { i in
                let f = candidates[i]
                var choice = settings.bestSplit(bins: base.base + offsets[f], count: binCounts[f],
                                                node: totals, parentScore: parentScore)
                choice?.feature = f
                return choice
            }
            let parallel = settings.threads > 1 && (hi - lo) * candidates.count >= TreeGrower.parallelWorkLimit
            results = ParallelWork.map(count: candidates.count, threads: parallel ? settings.threads : 1, scan)
        } else {
            results = candidates.map { sortedSplit(feature: $0, lo: lo, hi: hi, totals: totals, parentScore: parentScore) }
        }
        var best: SplitChoice?
        for case let c? in results where c.gain > (best?.gain ?? -.infinity) { best = c }
        return best
    }

    /// The best split of `feature` for a small node, by sorting its rows by bin code.
    private func sortedSplit(feature f: Int, lo: Int, hi: Int, totals: HistogramBin,
                             parentScore: Double) -> SplitChoice? {
        let n = hi - lo
        let column = codes.baseAddress! + f * matrixRows
        for i in 0..<n { keys[i] = UInt32(column[Int(rows[lo + i])]) << 16 | UInt32(i) }
        var sorted = UnsafeMutableBufferPointer(rebasing: keys[0..<n])
        sorted.sort()
        var best = SplitChoice()
        var acc = HistogramBin()
        for i in 0..<(n - 1) {
            let r = Int(rows[lo + Int(sorted[i] & 0xFFFF)])
            acc.g += g[r]; acc.h += h[r]; acc.n += 1
            let code = sorted[i] >> 16
            if code == sorted[i + 1] >> 16 { continue }
            if acc.n < settings.minSamplesLeaf || acc.h < settings.minChildWeight { continue }
            let nr = totals.n - acc.n
            let hr = totals.h - acc.h
            if nr < settings.minSamplesLeaf || hr < settings.minChildWeight { break }
            let gr = totals.g - acc.g
            let gain = acc.g * acc.g / (acc.h + settings.lambda) + gr * gr / (hr + settings.lambda) - parentScore
            if gain > best.gain { best.gain = gain; best.bin = Int(code); best.left = acc; best.feature = f }
        }
        return best.bin >= 0 ? best : nil
    }

    private func buildHistogram(into hist: UnsafeMutableBufferPointer<HistogramBin>, lo: Int, hi: Int) {
        let out = SharedPointer(base: hist.baseAddress!)
        let rowsP = SharedPointer(base: rows.baseAddress! + lo)
        let codesP = SharedPointer(base: UnsafeMutablePointer(mutating: codes.baseAddress!))
        let gP = SharedPointer(base: UnsafeMutablePointer(mutating: g.baseAddress!))
        let hP = SharedPointer(base: UnsafeMutablePointer(mutating: h.baseAddress!))
        let n = hi - lo, matrixRows = self.matrixRows, offsets = self.offsets, binCounts = self.binCounts
        let build: @Sendable (Int) -> Void = { f in
            let bins = out.base + offsets[f]
            bins.update(repeating: HistogramBin(), count: binCounts[f])
            let column = codesP.base + f * matrixRows
            for i in 0..<n {
                let r = Int(rowsP.base[i])
                let b = Int(column[r])
                bins[b].g += gP.base[r]; bins[b].h += hP.base[r]; bins[b].n += 1
            }
        }
        let parallel = settings.threads > 1 && n * features >= TreeGrower.parallelWorkLimit
        ParallelWork.forEach(count: features, threads: parallel ? settings.threads : 1, build)
    }

    private func subtract(_ small: UnsafeMutableBufferPointer<HistogramBin>,
                          from parent: UnsafeMutableBufferPointer<HistogramBin>) {
        for i in 0..<totalBins {
            parent[i].g -= small[i].g; parent[i].h -= small[i].h; parent[i].n -= small[i].n
        }
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
