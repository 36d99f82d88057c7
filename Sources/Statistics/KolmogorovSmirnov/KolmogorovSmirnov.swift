/// The two-sample Kolmogorov–Smirnov test (two-sided), numerically as scipy's `ks_2samp`.
///
/// D is the largest gap between the two right-continuous empirical CDFs, evaluated at every pooled
/// value (so ties are handled exactly). The exact p-value is the permutation distribution of D
/// (scipy first rounds D to h / lcm(n1, n2)); the asymptotic one is scipy's `kstwo.sf(D, round(en))`
/// with en = n1 n2 / (n1 + n2), the exact one-sample Kolmogorov distribution at that size.
///
/// ```swift
/// let r = try KolmogorovSmirnov.ks2Sample(reference, recent)   // r.statistic, r.pValue
/// ```
public enum KolmogorovSmirnov {
    /// How the p-value is obtained.
    public enum Method: Sendable, Hashable {
        /// Exact when scipy's 'auto' would be (max(n1, n2) ≤ 10 000) and the lattice walk stays
        /// within ``exactWorkBudget`` steps, else asymptotic.
        case auto
        /// The exact permutation distribution; falls back to asymptotic where scipy does (lcm too big,
        /// or the computation leaves [0, 1]).
        case exact
        case asymptotic
    }

    /// The outcome of a two-sample test.
    public struct Result: Sendable, Hashable {
        /// D; after an exact p-value, rounded to h / lcm(n1, n2) as scipy reports it.
        public var statistic: Double
        public var pValue: Double
        /// The method that produced `pValue` (never `.auto`).
        public var method: Method
        /// The pooled value where D is attained.
        public var location: Double
        /// +1 when the first sample's ECDF is above the second's there, −1 when below.
        public var sign: Int
    }

    /// scipy's 'auto' switch: exact when the larger sample has at most this many values.
    public static let maxAutoExactSize = 10_000
    /// Work bound for `.auto` (cells of the lattice walk, ≈ n_max · window); keeps one call well under
    /// a second. scipy has no such bound; beyond it `.auto` answers asymptotically.
    public static let exactWorkBudget = 50_000_000

    /// Runs the test. Throws for an empty sample or a non-finite value.
    public static func ks2Sample(_ a: [Double], _ b: [Double], method: Method = .auto) throws(StatisticsError) -> Result {
        try StatisticsError.checkFinite(a, "a")
        try StatisticsError.checkFinite(b, "b")
        return test(sorted: a.sorted(), b.sorted(), method: method)
    }

    /// The same test on samples already sorted ascending, for a caller that compares one
    /// reference sample with many others and sorts it once. Throws for an empty sample, a
    /// non-finite value or an unsorted sample.
    public static func ks2Sample(sorted a: [Double], sorted b: [Double], method: Method = .auto) throws(StatisticsError) -> Result {
        try StatisticsError.checkFinite(a, "a")
        try StatisticsError.checkFinite(b, "b")
        try StatisticsError.checkSorted(a, "a")
        try StatisticsError.checkSorted(b, "b")
        return test(sorted: a, b, method: method)
    }

    private static func test(sorted s1: [Double], _ s2: [Double], method: Method) -> Result {
        let n1 = s1.count, n2 = s2.count
        let (d, location, sign) = statistic(sorted: s1, s2)

        var mode = method
        let g = gcd(n1, n2)
        let n1g = n1 / g, n2g = n2 / g
        let lcmFits = n1g < Int(Int32.max) / n2g
        switch mode {
        case .auto:
            mode = max(n1, n2) <= maxAutoExactSize && lcmFits && exactWork(n1, n2, d) <= exactWorkBudget
                ? .exact : .asymptotic
        case .exact:
            if !lcmFits { mode = .asymptotic }
        case .asymptotic: break
        }
        if mode == .exact, let exact = SmirnovExact.pValue(n1: n1, n2: n2, statistic: d) {
            return Result(statistic: exact.roundedStatistic, pValue: min(max(exact.pValue, 0), 1),
                          method: .exact, location: location, sign: sign)
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = m * n / (m + n)
        let p = KolmogorovDistribution.sf(d, n: Int(en.rounded(.toNearestOrEven)))
        return Result(statistic: d, pValue: min(max(p, 0), 1), method: .asymptotic, location: location, sign: sign)
    }

    /// D, where it is attained and its sign, as scipy evaluates it: the ECDF difference at each value
    /// of the first sorted sample then the second; the first maximum and first minimum win; the
    /// negative side wins only when strictly larger.
    ///
    /// Both samples are visited in ascending order, so each count "values ≤ v" only moves
    /// forward: two cursors replace a binary search per value (linear instead of n log n).
    static func statistic(sorted s1: [Double], _ s2: [Double]) -> (Double, Double, Int) {
        let n1 = Double(s1.count), n2 = Double(s2.count)
        var maxDiff = -Double.infinity, minDiff = Double.infinity
        var maxAt = 0.0, minAt = 0.0
        for sample in [s1, s2] {
            var below1 = 0, below2 = 0
            for value in sample {
                while below1 < s1.count && s1[below1] <= value { below1 += 1 }
                while below2 < s2.count && s2[below2] <= value { below2 += 1 }
                let diff = Double(below1) / n1 - Double(below2) / n2
                if diff > maxDiff { maxDiff = diff; maxAt = value }
                if diff < minDiff { minDiff = diff; minAt = value }
            }
        }
        let minS = min(max(-minDiff, 0), 1)
        return minS > maxDiff ? (minS, minAt, -1) : (maxDiff, maxAt, 1)
    }

    /// Number of values ≤ `value` in a sorted array (numpy `searchsorted(side='right')`).
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// Cells the exact lattice walk visits: columns × window height (≈ 2 D · n_small + 1).
    static func exactWork(_ n1: Int, _ n2: Int, _ d: Double) -> Int {
        if n1 == n2 { return n1 }
        let big = max(n1, n2), small = min(n1, n2)
        return big * min(small + 1, Int(2 * d * Double(small)) + 2)
    }
}
