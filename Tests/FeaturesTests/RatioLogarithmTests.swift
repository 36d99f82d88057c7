import Foundation
import Testing
import Domain
@testable import Features

@Suite struct RatioLogarithmTests {
    @Test func agreesWithLibmWithinAFewUlpsNearOneAndExactlyFarFromIt() {
        var rng = SplitMix64(seed: 11)
        var worst = 0.0
        for _ in 0..<100_000 {
            // Ratios of nearby prices, mostly inside the series range (|r − 1| < 1/32), some outside.
            let r = 1 + (Double(rng.next() >> 11) / 9_007_199_254_740_992 - 0.5) * 0.1
            let expected = Foundation.log(r)
            let actual = RatioLogarithm.ln(r)
            if abs(r - 1) >= RatioLogarithm.seriesLimit { #expect(actual == expected) }
            if expected != 0 { worst = max(worst, abs(actual - expected) / abs(expected)) }
        }
        #expect(worst < 1e-15)
        #expect(RatioLogarithm.ln(1) == 0)
    }

    @Test func specialValuesBehaveAsLibm() {
        #expect(RatioLogarithm.ln(.nan).isNaN)
        #expect(RatioLogarithm.ln(0) == -.infinity)
        #expect(RatioLogarithm.ln(.infinity) == .infinity)
        #expect(RatioLogarithm.ln(2) == Foundation.log(2.0))
    }

    @Test func everyLaneGivesTheBitsOfTheOneValueFunction() {
        let lanes = SIMD4<Double>(1.0001, 0.5, .nan, 0.98)
        let v = RatioLogarithm.ln(lanes)
        for i in 0..<4 {
            #expect(v[i].bitPattern == RatioLogarithm.ln(lanes[i]).bitPattern || (v[i].isNaN && lanes[i].isNaN))
        }
    }
}

@Suite struct SquareRootTests {
    @Test func isWithinOneUlpOfTheCorrectlyRoundedRootOverManyMagnitudes() {
        var rng = SplitMix64(seed: 5)
        var worst = 0.0
        for _ in 0..<50_000 {
            let mantissa = Double(rng.next() >> 11) / 9_007_199_254_740_992 + 0.5
            let exponent = Int(rng.next() % 400) - 200
            let x = SIMD4<Double>(Double(sign: .plus, exponent: exponent, significand: mantissa), mantissa, mantissa * 1e-6,
                                  mantissa * 1e4)
            let roots = SquareRoot.of(x)
            for lane in 0..<4 {
                let exact = x[lane].squareRoot()
                worst = max(worst, abs(roots[lane] - exact) / exact)
            }
        }
        #expect(worst <= 2.3e-16)
    }

    @Test func edgeLanesTakeTheStandardRoot() {
        let roots = SquareRoot.of(SIMD4(0, .nan, .infinity, 4e-300))
        #expect(roots[0] == 0 && roots[1].isNaN && roots[2] == .infinity && roots[3] == (4e-300).squareRoot())
        #expect(SquareRoot.of(SIMD4(repeating: 4)) == SIMD4(repeating: 2))
    }
}
