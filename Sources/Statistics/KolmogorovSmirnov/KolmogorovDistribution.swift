#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distribution of the two-sided one-sample Kolmogorov statistic D_n (scipy's `kstwo`), and its
/// n → ∞ limit for √n D_n (scipy's `kstwobign`).
///
/// `sf`/`cdf` follow Simard & L'Ecuyer's (2011) choice of method by region, as scipy does, so the
/// numbers agree with scipy's to its own accuracy: Ruben–Gambino closed forms at the ends, 2 × the
/// exact one-sided tail where the two-sided correction is negligible, the Durbin matrix
/// (Marsaglia–Tsang–Wang) where exact, and the Pelz–Good expansion for large n. scipy uses Pomeranz's
/// recursion for n ≤ 140 and 0.754693 < n x² ≤ 4; the Durbin matrix is exact there too and used instead.
public enum KolmogorovDistribution {
    /// P(D_n ≥ x).
    public static func sf(_ x: Double, n: Int) -> Double { evaluate(x, n: n, cdf: false) }
    /// P(D_n ≤ x).
    public static func cdf(_ x: Double, n: Int) -> Double { evaluate(x, n: n, cdf: true) }

    /// The limiting tail Q(λ) = P(√n D_n > λ) as n → ∞ = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²λ²)
    /// (scipy `kstwobign.sf`); for small λ through the Jacobi-transformed series of the CDF.
    public static func limitingSF(_ lambda: Double) -> Double {
        if !(lambda > 0) { return 1 }
        if lambda < 1 { return 1 - limitingCDFSmall(lambda) }
        var sum = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * lambda * lambda)
            sum += (k % 2 == 1 ? term : -term)
            if term < 1e-300 || term < abs(sum) * 1e-17 { break }
        }
        return min(max(2 * sum, 0), 1)
    }

    /// 1 − Q(λ) = √(2π)/λ Σ_{k≥1} e^(−(2k−1)² π² / (8λ²)), which converges fast for small λ.
    static func limitingCDFSmall(_ lambda: Double) -> Double {
        let w = -Double.pi * Double.pi / (8 * lambda * lambda)
        var sum = 0.0
        for k in 1...100 {
            let odd = Double(2 * k - 1)
            let term = exp(odd * odd * w)
            sum += term
            if term < abs(sum) * 1e-17 { break }
        }
        return (2 * Double.pi).squareRoot() / lambda * sum
    }

    private static func pick(_ cdfValue: Double, _ sfValue: Double, cdf: Bool) -> Double {
        min(max(cdf ? cdfValue : sfValue, 0), 1)
    }

    static func evaluate(_ x: Double, n: Int, cdf: Bool) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return pick(1, 0, cdf: cdf) }
        if x <= 0 { return pick(0, 1, cdf: cdf) }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            // Ruben–Gambino: for 1/(2n) ≤ x ≤ 1/n, P(D_n ≤ x) = n!/n^n (2t − 1)^n.
            if t <= 0.5 { return pick(0, 1, cdf: cdf) }
            let p: Double
            if n <= 140 {
                var prod = 1.0
                for i in 1...n { prod *= Double(i) * (1 / nd) * (2 * t - 1) }
                p = prod
            } else {
                p = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return pick(p, 1 - p, cdf: cdf)
        }
        if t >= nd - 1 {
            let p = 2 * pow(1 - x, nd)
            return pick(1 - p, p, cdf: cdf)
        }
        if x >= 0.5 {
            // Above 1/2 the two one-sided events cannot both happen: exactly twice the one-sided tail.
            let p = 2 * smirnovSF(n, x)
            return pick(1 - p, p, cdf: cdf)
        }
        let nx2 = t * x
        if n <= 140 {
            if nx2 <= 4 {
                let p = durbinCDF(n, x)
                return pick(p, 1 - p, cdf: cdf)
            }
            let p = 2 * smirnovSF(n, x)
            return pick(1 - p, p, cdf: cdf)
        }
        if !cdf {
            if nx2 >= 370 { return 0 }
            if nx2 >= 2.2 { return min(max(2 * smirnovSF(n, x), 0), 1) }
        }
        let c: Double
        if nx2 >= 18 { c = 1 }
        else if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 { c = durbinCDF(n, x) }
        else { c = pelzGoodCDF(n, x) }
        return pick(c, 1 - c, cdf: cdf)
    }

    /// log(n! / n^n) by Stirling's series with n log n removed up front (no cancellation).
    static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
                            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
                            -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let rn = 1 / Double(n)
        let u = rn * rn
        var poly = 0.0
        for c in coefficients { poly = poly * u + c }
        return log(Double(n)) / 2 - Double(n) + log(2 * Double.pi) / 2 + rn * poly
    }
}
