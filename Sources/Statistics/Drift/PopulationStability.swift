#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Population Stability Index of a current sample against a reference sample, on the
/// reference's deciles, exactly as the fixtures' README defines it.
///
/// Edges: numpy's default ('linear') quantiles of the reference at 0.1 … 0.9. Bins: (−∞, e1),
/// [e1, e2), …, [e9, +∞) — a value on an edge goes to the bin above; duplicate edges make empty bins.
/// Proportions: count / n, each floored at 1e-4 (not renormalised). PSI = Σ (cur − ref) ln(cur / ref).
public enum PopulationStability {
    /// Proportion floor that keeps ln(cur / ref) finite for empty bins.
    public static let floor = 1e-4
    /// The decile probabilities 0.1 … 0.9.
    public static let quantiles: [Double] = (1...9).map { Double($0) / 10 }

    /// Everything the index is made of, for reports and checks.
    public struct Result: Sendable, Hashable {
        public var psi: Double
        /// The nine decile edges of the reference.
        public var edges: [Double]
        public var referenceCounts: [Int]
        public var currentCounts: [Int]
        public var referenceProportions: [Double]
        public var currentProportions: [Double]
        /// (cur − ref) ln(cur / ref) per bin; each is ≥ 0.
        public var terms: [Double]
    }

    /// Computes the PSI. Throws for an empty sample or a non-finite value.
    public static func psi(reference: [Double], current: [Double]) throws(StatisticsError) -> Result {
        try StatisticsError.checkFinite(reference, "reference")
        try StatisticsError.checkFinite(current, "current")
        return index(sortedReference: reference.sorted(), current: current)
    }

    /// The same index from a reference already sorted ascending (sorted once, compared often).
    /// Throws for an empty sample, a non-finite value or an unsorted reference.
    public static func psi(sortedReference: [Double], current: [Double]) throws(StatisticsError) -> Result {
        try StatisticsError.checkFinite(sortedReference, "reference")
        try StatisticsError.checkFinite(current, "current")
        try StatisticsError.checkSorted(sortedReference, "reference")
        return index(sortedReference: sortedReference, current: current)
    }

    private static func index(sortedReference sorted: [Double], current: [Double]) -> Result {
        let reference = sorted
        let edges = quantiles.map { linearQuantile(sorted: sorted, $0) }
        let refCounts = binCounts(reference, edges: edges)
        let curCounts = binCounts(current, edges: edges)
        let refProps = refCounts.map { max(Double($0) / Double(reference.count), floor) }
        let curProps = curCounts.map { max(Double($0) / Double(current.count), floor) }
        let terms = zip(curProps, refProps).map { cur, ref in (cur - ref) * log(cur / ref) }
        return Result(psi: terms.reduce(0, +), edges: edges, referenceCounts: refCounts, currentCounts: curCounts,
                      referenceProportions: refProps, currentProportions: curProps, terms: terms)
    }

    /// numpy's 'linear' quantile (Hyndman–Fan type 7) of a sorted, non-empty sample, with numpy's
    /// evaluation order: from the lower value when t < 0.5, back from the upper one otherwise.
    public static func linearQuantile(sorted s: [Double], _ q: Double) -> Double {
        let g = Double(s.count - 1) * q
        let i = min(max(Int(g.rounded(.down)), 0), s.count - 1)
        let j = min(i + 1, s.count - 1)
        let t = g - Double(i)
        let a = s[i], b = s[j]
        let diff = b - a
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }

    /// Per-bin counts: a value's bin is the number of edges ≤ it.
    static func binCounts(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for v in values {
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if edges[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            counts[lo] += 1
        }
        return counts
    }
}
