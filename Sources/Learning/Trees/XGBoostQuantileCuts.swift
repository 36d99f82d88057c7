/// XGBoost 3.2's `hist` cut values for one feature, turned into `HistogramBinning` edges.
///
/// XGBoost works on float32 features. Per feature it builds a weighted quantile summary (every
/// row weight 1 here): one entry per distinct float32 value with rank bounds `rmin` (rows
/// below) and `rmax` (rows at or below), in float32 arithmetic. That summary is pruned three
/// times, with XGBoost's `WQSummary::SetPrune`: to the sketch's level size, to
/// `min(rows, 8 × max_bin)` (the "intermediate" cuts), then to `max_bin + 1`. Entries 1 up to
/// `max_bin - 1` of the result are the cuts; a value `v` falls in bin `i` when
/// `Float(v) < cut[i]` (and not below `cut[i - 1]`), so a split after bin `i` sends exactly the
/// rows with `Float(v) < cut[i]` left.
///
/// Exact (cut for cut, checked against XGBoost 3.2.0 on the fixture matrices) while the rows
/// fit the sketch's input queue, `rows <= 2 × levelSize`: 16 388 rows at `max_bin = 256`.
/// Beyond that XGBoost merges partial summaries in row order; this keeps the exact summary,
/// which only tightens the rank error.
enum XGBoostQuantileCuts {
    /// XGBoost's `WQSketch::kFactor`: the sketch keeps `kFactor` times more entries than bins.
    static let oversampling = 8

    /// One summary entry: a distinct value and its rank bounds (float32, as XGBoost keeps them).
    struct Entry {
        var value: Float
        var rmin: Float
        var rmax: Float
        var weight: Float
        var rMinNext: Float { rmin + weight }
        var rMaxPrevious: Float { rmax - weight }
    }

    /// Edges (`v <= edge` ⇔ `Float(v) < cut`) for one column sorted ascending.
    static func edges(sorted column: [Double], maxBins: Int) -> [Double] {
        let rows = column.count
        var summary = [Entry]()
        var below: Float = 0
        for x in column {
            let v = Float(x)
            if let last = summary.last, last.value == v {
                summary[summary.count - 1].rmax += 1
                summary[summary.count - 1].weight += 1
            } else {
                summary.append(Entry(value: v, rmin: below, rmax: below + 1, weight: 1))
            }
            below += 1
        }
        let intermediate = min(rows, maxBins * oversampling)
        summary = prune(summary, to: levelSize(rows: rows, maxBins: maxBins))
        summary = prune(summary, to: intermediate)
        let binsUsed = min(intermediate, maxBins)
        summary = prune(summary, to: binsUsed + 1)
        var cuts = [Float]()
        let upper = min(summary.count, binsUsed)
        if upper > 1 {
            for i in 1..<upper where cuts.last.map({ summary[i].value > $0 }) ?? true {
                cuts.append(summary[i].value)
            }
        }
        return cuts.map(edge(below:))
    }

    /// The sketch's per-level summary size (`WQuantileSketch::LimitSizeLevel`).
    static func levelSize(rows: Int, maxBins: Int) -> Int {
        let bins = max(1, min(maxBins, rows))
        let eps = 1.0 / (Double(Float(bins)) * Double(oversampling))
        var levels = 1
        while true {
            let size = min(rows, Int((Double(levels) / eps).rounded(.up)) + 1)
            if (1 << levels) * size >= rows || levels >= 60 { return size }
            levels += 1
        }
    }

    /// `WQSummary::SetPrune`: keeps at most `maxSize` entries answering evenly spaced rank queries.
    static func prune(_ source: [Entry], to maxSize: Int) -> [Entry] {
        guard source.count > maxSize, maxSize >= 2 else { return source }
        let begin = source[0].rmax
        let range = source[source.count - 1].rmin - source[0].rmax
        let n = maxSize - 1
        var out = [source[0]]
        out.reserveCapacity(maxSize)
        var i = 1, lastIndex = 0
        for k in 1..<n {
            let dx2: Float = 2 * ((Float(k) * range) / Float(n) + begin)
            while i < source.count - 1 && dx2 >= source[i + 1].rmax + source[i + 1].rmin { i += 1 }
            if i == source.count - 1 { break }
            if dx2 < source[i].rMinNext + source[i + 1].rMaxPrevious {
                if i != lastIndex { out.append(source[i]); lastIndex = i }
            } else if i + 1 != lastIndex {
                out.append(source[i + 1]); lastIndex = i + 1
            }
        }
        if lastIndex != source.count - 1 { out.append(source[source.count - 1]) }
        return out
    }

    /// The largest double `t` with `Float(t) < cut`, so that `v <= t` ⇔ `Float(v) < cut`
    /// (round-to-nearest-even makes the halfway point between `cut`'s float neighbours go
    /// either way, hence the check).
    static func edge(below cut: Float) -> Double {
        let lower = cut.nextDown
        guard lower.isFinite, cut.isFinite else { return Double(cut).nextDown }
        let halfway = (Double(lower) + Double(cut)) / 2
        return Float(halfway) < cut ? halfway : halfway.nextDown
    }
}
