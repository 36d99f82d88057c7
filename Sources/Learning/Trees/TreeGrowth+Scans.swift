/// Split scans and histogram upkeep of `TreeGrowth` (see `TreeGrower` for the split rules
/// every scan reproduces).
extension TreeGrowth {
    /// A histogram buffer from the pool. Its contents are undefined: every user writes each
    /// bin it reads (`buildHistogram` clears what it fills; the root build writes every bin).
    func takeBuffer() -> UnsafeMutableBufferPointer<HistogramBin> {
        if let b = pool.popLast() { return b }
        let b = UnsafeMutableBufferPointer<HistogramBin>.allocate(capacity: totalBins)
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
        let gh = self.gh.baseAddress!
        let minLeaf = settings.minSamplesLeaf, minWeight = settings.minChildWeight, lambda = settings.lambda
        var best = SplitChoice()
        var bound = SplitGainBound(best: floor, parentScore: parentScore)
        var accG = 0.0, accH = 0.0, accN = 0
        var code = column[Int(segment[lo])]
        for i in lo..<(hi - 1) {
            let r = Int(segment[i])
            let nextCode = column[Int(segment[i + 1])]
            let boundary = code != nextCode
            let p = gh[r]
            accG += p.g; accH += p.h; accN &+= 1
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

    /// `scanSegment` for two features at once, lane by lane in `SIMD2` (lane x: `fA`, lane y:
    /// `fB`): every lane adds the same rows in the same order and evaluates the same gains at
    /// the same split points as `scanSegment` does for its feature, so each result is that
    /// feature's best above `floor` (the floor given to both only prunes less).
    func scanSegmentPair(_ fA: Int, _ fB: Int, lo: Int, hi: Int, depth: Int, totals: HistogramBin,
                         parentScore: Double, floor: Double) -> (SplitChoice?, SplitChoice?) {
        guard let segments else { return (nil, nil) }
        let columnA = codes.baseAddress! + fA * matrixRows, columnB = codes.baseAddress! + fB * matrixRows
        let segmentA = segments.segment(fA, depth: depth), segmentB = segments.segment(fB, depth: depth)
        let gh = self.gh.baseAddress!
        let minLeaf = settings.minSamplesLeaf, minWeight = settings.minChildWeight
        let lambda = SIMD2<Double>(repeating: settings.lambda)
        let nodeG = SIMD2<Double>(repeating: totals.g), nodeH = SIMD2<Double>(repeating: totals.h)
        var bestA = SplitChoice(), bestB = SplitChoice()
        var target = SIMD2<Double>(repeating: SplitGainBound(best: floor, parentScore: parentScore).target)
        var accG = SIMD2<Double>(), accH = SIMD2<Double>(), accN = 0
        // Whether a position ends its bin is left to the rare path: a position that cannot beat
        // the best is skipped whether or not it could be a split point.
        for i in lo..<(hi - 1) {
            let a = gh[Int(segmentA[i])], b = gh[Int(segmentB[i])]
            accG += SIMD2(a.g, b.g); accH += SIMD2(a.h, b.h); accN &+= 1
            let hr = nodeH - accH, gr = nodeG - accG
            let left = accG * accG, right = gr * gr, leftH = accH + lambda, rightH = hr + lambda
            let pass = .!(left * rightH + right * leftH .< target * (leftH * rightH))
            guard any(pass) else { continue }
            let nr = totals.n &- accN
            guard accN >= minLeaf && nr >= minLeaf else { continue }
            if pass[0] && accH.x >= minWeight && hr.x >= minWeight {
                let code = columnA[Int(segmentA[i])]
                if code != columnA[Int(segmentA[i + 1])] {
                    let gain = left.x / leftH.x + right.x / rightH.x - parentScore
                    if gain > bestA.gain {
                        bestA.gain = gain; bestA.bin = Int(code); bestA.feature = fA
                        bestA.left = HistogramBin(g: accG.x, h: accH.x, n: accN)
                        target.x = SplitGainBound(best: max(gain, floor), parentScore: parentScore).target
                    }
                }
            }
            if pass[1] && accH.y >= minWeight && hr.y >= minWeight {
                let code = columnB[Int(segmentB[i])]
                if code != columnB[Int(segmentB[i + 1])] {
                    let gain = left.y / leftH.y + right.y / rightH.y - parentScore
                    if gain > bestB.gain {
                        bestB.gain = gain; bestB.bin = Int(code); bestB.feature = fB
                        bestB.left = HistogramBin(g: accG.y, h: accH.y, n: accN)
                        target.y = SplitGainBound(best: max(gain, floor), parentScore: parentScore).target
                    }
                }
            }
        }
        return (bestA.bin >= 0 ? bestA : nil, bestB.bin >= 0 ? bestB : nil)
    }

    /// The root's histogram from its segments: each feature's rows in code order, so every bin
    /// is summed in row order (as `buildHistogram` sums it) and written once, empty bins as zero.
    func buildRootHistogramFromSegments(into hist: UnsafeMutableBufferPointer<HistogramBin>) {
        let hi = rowCount
        guard let segments, hi > 0 else { return }
        let out = SharedPointer(base: hist.baseAddress!)
        let codesP = SharedPointer(base: UnsafeMutablePointer(mutating: codes.baseAddress!))
        let ghP = SharedPointer(base: gh.baseAddress!)
        let segmentP = SharedPointer(base: segments.segment(0, depth: 0))
        let stride = segments.count, matrixRows = self.matrixRows, offsets = self.offsets, binCounts = self.binCounts
        let build: @Sendable (Int) -> Void = { f in
            let segment = segmentP.base + f * stride
            let column = codesP.base + f * matrixRows
            let bins = out.base + offsets[f]
            var code = column[Int(segment[0])]
            var unwritten = 0
            var sum = HistogramBin()
            for i in 0..<hi {
                let r = Int(segment[i])
                let p = ghP.base[r]
                sum.g += p.g; sum.h += p.h; sum.n &+= 1
                let next = i + 1 < hi ? column[Int(segment[i + 1])] : code &+ 1
                if next == code { continue }
                let b = Int(code)
                while unwritten < b { bins[unwritten] = HistogramBin(); unwritten += 1 }
                bins[b] = sum
                unwritten = b + 1
                sum = HistogramBin()
                code = next
            }
            while unwritten < binCounts[f] { bins[unwritten] = HistogramBin(); unwritten += 1 }
        }
        let parallel = settings.threads > 1 && hi * features >= TreeGrower.parallelWorkLimit
        ParallelWork.forEach(count: features, threads: parallel ? settings.threads : 1, build)
    }

    /// Subtracts the histogram of the rows `span` at `depth` (a smaller child) from `parent`,
    /// touching only the bins they occupy: elsewhere it is zero and `x − 0 == x` exactly. Its
    /// bin sums add rows in row order, as `buildHistogram` does, so the result is bit for bit
    /// the dense subtraction's. When `kept` is given, the histogram is written there too.
    /// Cheaper than `buildHistogram` when bins are many and sparse (the forest's).
    func subtractSmaller(_ span: NodeSpan, depth: Int, from parent: UnsafeMutableBufferPointer<HistogramBin>,
                         keepingIn kept: UnsafeMutableBufferPointer<HistogramBin>?) {
        let lo = span.lo, hi = span.hi
        guard let segments, hi > lo else { return }
        kept?.update(repeating: HistogramBin())
        let parentP = SharedPointer(base: parent.baseAddress!)
        let keptP = kept.map { SharedPointer(base: $0.baseAddress!) }
        let codesP = SharedPointer(base: UnsafeMutablePointer(mutating: codes.baseAddress!))
        let ghP = SharedPointer(base: gh.baseAddress!)
        let segmentP = SharedPointer(base: segments.segment(0, depth: depth))
        let stride = segments.count, matrixRows = self.matrixRows, offsets = self.offsets
        let subtract: @Sendable (Int) -> Void = { f in
            let segment = segmentP.base + f * stride
            let column = codesP.base + f * matrixRows
            var code = column[Int(segment[lo])]
            var sum = HistogramBin()
            for i in lo..<hi {
                let r = Int(segment[i])
                let p = ghP.base[r]
                sum.g += p.g; sum.h += p.h; sum.n &+= 1
                let next = i + 1 < hi ? column[Int(segment[i + 1])] : code &+ 1
                if next == code { continue }
                let b = Int(code)
                let bin = parentP.base + offsets[f] + b
                bin.pointee.g -= sum.g; bin.pointee.h -= sum.h; bin.pointee.n &-= sum.n
                if let keptP { keptP.base[offsets[f] + b] = sum }
                sum = HistogramBin()
                code = next
            }
        }
        let parallel = settings.threads > 1 && (hi - lo) * features >= TreeGrower.parallelWorkLimit
        ParallelWork.forEach(count: features, threads: parallel ? settings.threads : 1, subtract)
    }

    /// Sums the rows `rows[lo..<hi]` into `hist` bin by bin in row order; with `parent`, then
    /// subtracts each feature's bins from the parent's (every bin: `x − 0 == x` exactly).
    func buildHistogram(into hist: UnsafeMutableBufferPointer<HistogramBin>, lo: Int, hi: Int,
                        subtractingFrom parent: UnsafeMutableBufferPointer<HistogramBin>? = nil) {
        let out = SharedPointer(base: hist.baseAddress!)
        let parentP = parent.map { SharedPointer(base: $0.baseAddress!) }
        let rowsP = SharedPointer(base: rows.baseAddress! + lo)
        let codesP = SharedPointer(base: UnsafeMutablePointer(mutating: codes.baseAddress!))
        let ghP = SharedPointer(base: gh.baseAddress!)
        let n = hi - lo, matrixRows = self.matrixRows, offsets = self.offsets, binCounts = self.binCounts
        let build: @Sendable (Int) -> Void = { f in
            let bins = out.base + offsets[f]
            bins.update(repeating: HistogramBin(), count: binCounts[f])
            let column = codesP.base + f * matrixRows
            for i in 0..<n {
                let r = Int(rowsP.base[i])
                let b = Int(column[r])
                let p = ghP.base[r]
                bins[b].g += p.g; bins[b].h += p.h; bins[b].n += 1
            }
            if let parentP {
                let into = parentP.base + offsets[f]
                for b in 0..<binCounts[f] {
                    into[b].g -= bins[b].g; into[b].h -= bins[b].h; into[b].n -= bins[b].n
                }
            }
        }
        let parallel = settings.threads > 1 && n * features >= TreeGrower.parallelWorkLimit
        ParallelWork.forEach(count: features, threads: parallel ? settings.threads : 1, build)
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
            let p = gh[r]
            acc.g += p.g; acc.h += p.h; acc.n += 1
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
