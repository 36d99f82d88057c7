#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution, through the C library's `erfc`, which keeps full relative
/// precision in both tails (Φ(x) = erfc(−x/√2)/2 has no 1 − small cancellation).
public enum NormalDistribution {
    /// Φ(x) = P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    /// 1 − Φ(x) = P(Z > x), computed directly.
    public static func sf(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }
    /// z such that Φ(z) = 0.975: the two-sided 95 % quantile.
    public static let z975 = 1.959963984540054
}
