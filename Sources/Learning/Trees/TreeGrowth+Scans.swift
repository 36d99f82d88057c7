/// Split scans and histogram upkeep of `TreeGrowth` (see `TreeGrower` for the split rules
/// every scan reproduces).
extension TreeGrowth {
    /// A histogram buffer from the pool (cleared when `zeroed`; `buildHistogram` clears what it fills).
    func takeBuffer(zeroed: Bool = false) -> UnsafeMutableBufferPointer<HistogramBin> {
        if let b = pool.popLast() {
            if zeroed { b.update(repeating: HistogramBin()) }
            return b
        }
        let b = UnsafeMutableBufferPointer<HistogramBin>.allocate(capacity: totalBins)
        b.initialize(repeating: HistogramBin())
        allocated.append(b)
        return b
    }

    func release(_ b: UnsafeMutableBufferPointer<HistogramBin>?) {
        if let b { pool.append(b) }
    }

    /// The best split of `feature` for a node without a histogram: its rows in code order (ties
    /// by row, as `sortedScan` orders them), added one by one.
    ///
    /// With about one row per bin, "is this the last row of its bin" is a coin toss, so the
    /// per-row work is branch-free: a row that ends no bin gets an infinite bound and so never
    /// reaches the (rare) exact gain, where the split rules are checked.
    func scanSegment(feature f: Int, lo: Int, hi: Int, depth: Int, totals: HistogramBin,
                     parentScore: Double, floor: Double) -> SplitChoice? {
        guard let segments else { return nil }
        let column = codes.baseAddress! + f * matrixRows
        let segment = segments.segment(f, depth: depth)
        let g = self.g.baseAddress!, h = self.h.baseAddress!
        let minLeaf = settings.minSamplesLeaf, minWeight = settings.minChildWeight, lambda = settings.lambda
        var best = SplitChoice()
        var bound = SplitGainBound(best: floor, parentScore: parentScore)
        var accG = 0.0, accH = 0.0, accN = 0
        var code = column[Int(segment[lo])]
        for i in lo..<(hi - 1) {
            let r = Int(segment[i])
            let nextCode = column[Int(segment[i + 1])]
            let boundary = code != nextCode
            accG += g[r]; accH += h[r]; accN &+= 1
            let hr = totals.h - accH, gr = totals.g - accG
            let left = accG * accG, right = gr * gr, leftH = accH + lambda, rightH = hr + lambda
            let target = boundary ? bound.target : .infinity
            if !(left * rightH + right * leftH < target * (leftH * rightH)) {
                let nr = totals.n &- accN
                if boundary && accN >= minLeaf && accH >= minWeight && nr >= minLeaf && hr >= minWeight {
                    let gain = left / leftH + right / rightH - parentScore
                    if gain > best.gain {
                        best.gain = gain; best.bin = Int(code); best.feature = f
                        best.left = HistogramBin(g: accG, h: accH, n: accN)
                        bound = SplitGainBound(best: max(gain, floor), parentScore: parentScore)
                    }
                }
            }
            code = nextCode
        }
        return best.bin >= 0 ? best : nil
    }

    /// Subtracts the histogram of the rows `span` at `depth` (a smaller child) from `parent`,
    /// touching only the bins they occupy: elsewhere it is zero and `x − 0 == x` exactly. Its
    /// bin sums add rows in row order, as `buildHistogram` does, so the result is bit for bit
    /// the dense subtraction's. When `kept` is given (zeroed), the histogram is written there
    /// too (with no `parent`, that is all it does: a direct build, sequential per feature).
    func subtractSmaller(_ span: NodeSpan, depth: Int, from parent: UnsafeMutableBufferPointer<HistogramBin>?,
                         keepingIn kept: UnsafeMutableBufferPointer<HistogramBin>?) {
        let lo = span.lo, hi = span.hi
        guard let segments, hi > lo else { return }
        let parentP = parent.map { SharedPointer(base: $0.baseAddress!) }
        let keptP = kept.map { SharedPointer(base: $0.baseAddress!) }
        let codesP = SharedPointer(base: UnsafeMutablePointer(mutating: codes.baseAddress!))
        let gP = SharedPointer(base: UnsafeMutablePointer(mutating: g.baseAddress!))
        let hP = SharedPointer(base: UnsafeMutablePointer(mutating: h.baseAddress!))
        let segmentP = SharedPointer(base: segments.segment(0, depth: depth))
        let stride = segments.count, matrixRows = self.matrixRows, offsets = self.offsets
        let subtract: @Sendable (Int) -> Void = { f in
            let segment = segmentP.base + f * stride
            let column = codesP.base + f * matrixRows
            var code = column[Int(segment[lo])]
            var sum = HistogramBin()
            for i in lo..<hi {
                let r = Int(segment[i])
                sum.g += gP.base[r]; sum.h += hP.base[r]; sum.n &+= 1
                let next = i + 1 < hi ? column[Int(segment[i + 1])] : code &+ 1
                if next == code { continue }
                let b = Int(code)
                if let parentP {
                    let bin = parentP.base + offsets[f] + b
                    bin.pointee.g -= sum.g; bin.pointee.h -= sum.h; bin.pointee.n &-= sum.n
                }
                if let keptP { keptP.base[offsets[f] + b] = sum }
                sum = HistogramBin()
                code = next
            }
        }
        let parallel = settings.threads > 1 && (hi - lo) * features >= TreeGrower.parallelWorkLimit
        ParallelWork.forEach(count: features, threads: parallel ? settings.threads : 1, subtract)
    }

    func buildHistogram(into hist: UnsafeMutableBufferPointer<HistogramBin>, lo: Int, hi: Int) {
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

    func subtract(_ small: UnsafeMutableBufferPointer<HistogramBin>, from parent: UnsafeMutableBufferPointer<HistogramBin>) {
        for i in 0..<totalBins {
            parent[i].g -= small[i].g; parent[i].h -= small[i].h; parent[i].n -= small[i].n
        }
    }

    /// The best split of `feature` for a node without a histogram in a tree without segments:
    /// its rows sorted by (code, position), positions being ascending rows, then added one by one.
    func sortedScan(feature f: Int, lo: Int, hi: Int, totals: HistogramBin, parentScore: Double,
                    floor: Double) -> SplitChoice? {
        let n = hi - lo
        let column = codes.baseAddress! + f * matrixRows
        for i in 0..<n { keys[i] = UInt32(column[Int(rows[lo + i])]) << 16 | UInt32(i) }
        var sorted = UnsafeMutableBufferPointer(rebasing: keys[0..<n])
        sorted.sort()
        var best = SplitChoice()
        var bound = SplitGainBound(best: floor, parentScore: parentScore)
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
            let left = acc.g * acc.g, right = gr * gr
            let leftH = acc.h + settings.lambda, rightH = hr + settings.lambda
            guard SplitGainBound.mayBeat(bound, left: left, leftH: leftH, right: right, rightH: rightH) else { continue }
            let gain = left / leftH + right / rightH - parentScore
            if gain > best.gain {
                best.gain = gain; best.bin = Int(code); best.left = acc; best.feature = f
                bound = SplitGainBound(best: max(gain, floor), parentScore: parentScore)
            }
        }
        return best.bin >= 0 ? best : nil
    }
}
