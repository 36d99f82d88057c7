/// Per-feature bin edges for histogram tree learning, built once per training set and shared
/// by every tree (and every ensemble that asks for the same bins).
///
/// Invariants: `edges[f]` is strictly increasing and has at most `maxBins - 1` entries, so a
/// feature has `edges[f].count + 1` bins and every code fits in a `UInt16`. A value `v` falls in
/// bin `i` = the first index with `v <= edges[f][i]` (the last bin when there is none). Hence
/// `code(v) <= b` exactly when `v <= edges[f][b]`, which is why a tree can store `edges[f][b]`
/// as a raw threshold and predict on raw doubles without re-binning.
public struct HistogramBinning: Sendable, Hashable, Codable {
    /// Where the edges go.
    public enum Placement: String, Sendable, Hashable, Codable {
        /// Halfway between adjacent distinct training values (CART / scikit-learn thresholds);
        /// when a feature has more distinct values than bins, cuts at equal-count quantiles.
        case midpoints
        /// XGBoost's `hist` cuts: its weighted quantile sketch over the float32 values, a value
        /// going left of a cut when its float32 is strictly below it (see `XGBoostQuantileCuts`).
        case xgboostSketch
    }

    /// Most bins a feature may have (codes are `UInt16`).
    public static let binLimit = 65_536
    /// XGBoost's `max_bin` default, and the default for the boosted families.
    public static let defaultBins = 256

    public let maxBins: Int
    public let placement: Placement
    public let edges: [[Double]]

    public var featureCount: Int { edges.count }

    public func binCount(feature f: Int) -> Int { edges[f].count + 1 }

    /// Builds edges from the columns of `x`; throws on an empty or non-finite matrix.
    public init(x: Matrix, maxBins: Int = HistogramBinning.defaultBins,
                placement: Placement = .midpoints) throws(LearningError) {
        guard (2...HistogramBinning.binLimit).contains(maxBins) else {
            throw .invalidHyperparameter("maxBins \(maxBins) not in 2...\(HistogramBinning.binLimit)")
        }
        guard x.rows > 0, x.columns > 0 else { throw .emptyTrainingSet }
        var all = [[Double]]()
        all.reserveCapacity(x.columns)
        var column = [Double](repeating: 0, count: x.rows)
        for f in 0..<x.columns {
            for r in 0..<x.rows {
                let v = x.values[r * x.columns + f]
                guard v.isFinite else { throw .nonFiniteInput("feature \(f), row \(r)") }
                column[r] = v
            }
            column.sort()
            switch placement {
            case .midpoints: all.append(HistogramBinning.edges(sorted: column, maxBins: maxBins))
            case .xgboostSketch: all.append(XGBoostQuantileCuts.edges(sorted: column, maxBins: maxBins))
            }
        }
        self.maxBins = maxBins
        self.placement = placement
        self.edges = all
    }

    private enum CodingKeys: String, CodingKey { case maxBins, placement, edges }

    /// Encodings written before `placement` existed decode as `.midpoints`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxBins = try c.decode(Int.self, forKey: .maxBins)
        placement = try c.decodeIfPresent(Placement.self, forKey: .placement) ?? .midpoints
        edges = try c.decode([[Double]].self, forKey: .edges)
    }

    /// Whether this binning is what a fit asking for `maxBins` bins placed by `placement` would build.
    func matches(maxBins: Int, placement: Placement, features: Int) -> Bool {
        self.maxBins == maxBins && self.placement == placement && featureCount == features
    }

    /// The bin of `v` for feature `f` (binary search over the edges).
    @inlinable public func code(_ v: Double, feature f: Int) -> UInt16 {
        let e = edges[f]
        var lo = 0, hi = e.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if v <= e[mid] { hi = mid } else { lo = mid + 1 }
        }
        return UInt16(truncatingIfNeeded: lo)
    }

    /// The codes of every value of `x` (column-major), for training on `x`.
    public func binned(_ x: Matrix) throws(LearningError) -> BinnedMatrix {
        guard x.columns == featureCount else {
            throw .shapeMismatch("binning has \(featureCount) features, matrix \(x.columns)")
        }
        var codes = [UInt16](repeating: 0, count: x.rows * x.columns)
        for f in 0..<x.columns {
            let base = f * x.rows
            for r in 0..<x.rows {
                let v = x.values[r * x.columns + f]
                guard v.isFinite else { throw .nonFiniteInput("feature \(f), row \(r)") }
                codes[base + r] = code(v, feature: f)
            }
        }
        return BinnedMatrix(rows: x.rows, columns: x.columns, codes: codes,
                            binCounts: (0..<x.columns).map { binCount(feature: $0) })
    }

    /// Halfway between `a < b`, never equal to `b` so that `a` goes left and `b` right.
    static func midpoint(_ a: Double, _ b: Double) -> Double {
        let m = a + (b - a) / 2
        return (m >= b || m < a) ? a : m
    }

    static func edges(sorted v: [Double], maxBins: Int) -> [Double] {
        var distinct = [Double](), counts = [Int]()
        for x in v {
            if let last = distinct.last, last == x { counts[counts.count - 1] += 1 } else {
                distinct.append(x); counts.append(1)
            }
        }
        var out = [Double]()
        if distinct.count <= maxBins {
            for i in 0..<(distinct.count - 1) { out.append(midpoint(distinct[i], distinct[i + 1])) }
            return out
        }
        // Equal-count cuts: close a bin once the running count reaches the next quantile.
        let perBin = Double(v.count) / Double(maxBins)
        var cumulative = 0
        var nextTarget = perBin
        for i in 0..<(distinct.count - 1) {
            cumulative += counts[i]
            if Double(cumulative) >= nextTarget {
                out.append(midpoint(distinct[i], distinct[i + 1]))
                if out.count == maxBins - 1 { break }
                while nextTarget <= Double(cumulative) { nextTarget += perBin }
            }
        }
        return out
    }
}

/// The bin codes of a training matrix, column-major (`codes[f * rows + r]`), plus each
/// feature's bin count; what the tree learner scans.
public struct BinnedMatrix: Sendable, Hashable {
    public let rows: Int
    public let columns: Int
    public let codes: [UInt16]
    public let binCounts: [Int]

    /// Offset of each feature's bins in a flat histogram, and the total bin count.
    var histogramOffsets: (offsets: [Int], total: Int) {
        var offsets = [Int](), total = 0
        for c in binCounts { offsets.append(total); total += c }
        return (offsets, total)
    }
}
