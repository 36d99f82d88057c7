#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural logarithms of price ratios (`ln(p / q)`), four at a time.
///
/// Price ratios between nearby bars sit close to 1, where ln(1 + t) = 2·atanh(t / (2 + t)) is a
/// short odd series: for |t| < 1/32, s = t / (2 + t) has |s| < 1/64 and the terms up to s¹¹ leave a
/// truncation error below 1e-21 relative. t = r − 1 is exact (Sterbenz) and the evaluation adds
/// about 2 ulp, so results are within ~5e-16 relative of a correctly rounded log — far inside the
/// 1e-9 parity tolerance — at the cost of one division and a few multiplications instead of a
/// libm call per value. Lanes outside that range, and NaN or infinite lanes, go to libm's `log`.
///
/// Every caller (matrix, rows, resume) goes through this one function, lane by lane the same IEEE
/// operations, so a value never depends on which path or lane computed it.
enum RatioLogarithm {
    static let seriesLimit = 1.0 / 32

    /// ln(r) for each lane.
    @inline(__always)
    static func ln(_ r: SIMD4<Double>) -> SIMD4<Double> {
        let t = r - 1
        let s = t / (t + 2)
        let s2 = s * s
        // 2s · (1 + s²/3 + s⁴/5 + … + s¹⁰/11), the correction (≤ s²/3 ≈ 1e-4) added last.
        let c3: SIMD4<Double> = .init(repeating: 1.0 / 3), c5: SIMD4<Double> = .init(repeating: 1.0 / 5)
        let c7: SIMD4<Double> = .init(repeating: 1.0 / 7), c9: SIMD4<Double> = .init(repeating: 1.0 / 9)
        let c11: SIMD4<Double> = .init(repeating: 1.0 / 11)
        var tail: SIMD4<Double> = c9 + s2 * c11
        tail = c7 + s2 * tail
        tail = c5 + s2 * tail
        tail = c3 + s2 * tail
        tail = s2 * tail
        let twoS = s + s
        var result = twoS + twoS * tail
        let inRange = t.replacing(with: -t, where: t .< 0) .< SIMD4(repeating: seriesLimit)
        if !all(inRange) {
            // NaN compares false, so NaN lanes land here too and libm propagates them.
            for lane in 0..<4 where !inRange[lane] { result[lane] = log(r[lane]) }
        }
        return result
    }

    /// ln(r) for one value: lane 0 of the four-lane function, so the bits match it exactly.
    @inline(__always)
    static func ln(_ r: Double) -> Double {
        ln(SIMD4(repeating: r))[0]
    }
}
