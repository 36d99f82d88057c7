import Testing
@testable import Statistics

import Foundation

@Suite struct ScoringTests {
    @Test func benjaminiHochbergMatchesHandComputedValues() {
        // Sorted p: 0.01, 0.02, 0.03, 0.04, 0.05 with m = 5 → p·m/rank = 0.05 each; then monotone.
        let adjusted = BenjaminiHochberg.adjust([0.04, 0.01, 0.05, 0.03, 0.02])
        for value in adjusted { #expect(abs(value - 0.05) < 1e-15) }
        // 0.001·4/1 = 0.004, 0.02·4/2 = 0.04, 0.03·4/3 = 0.04, 0.9·4/4 = 0.9
        let b = BenjaminiHochberg.adjust([0.9, 0.03, 0.001, 0.02])
        #expect(zip(b, [0.9, 0.04, 0.004, 0.04]).allSatisfy { abs($0 - $1) < 1e-15 })
        // Monotonicity: 0.2·3/3 = 0.2 caps 0.15·3/2 = 0.225 → 0.2.
        let c = BenjaminiHochberg.adjust([0.01, 0.15, 0.2])
        #expect(zip(c, [0.03, 0.2, 0.2]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(BenjaminiHochberg.adjust([]).isEmpty)
        #expect(BenjaminiHochberg.adjust([0.7, 0.9]).allSatisfy { $0 <= 1 })
    }

    @Test func wilsonIntervalMatchesHandComputedValues() throws {
        // 8 of 10: z² = 3.841459, centre (0.8 + 0.192073) / 1.384146 = 0.716740,
        // half-width 1.959964 / 1.384146 · √(0.016 + 0.009604) = 0.226578.
        let w = try #require(WilsonInterval(successes: 8, trials: 10))
        #expect(abs(w.lower - 0.4901624715366418) < 1e-13 && abs(w.upper - 0.9433178485456248) < 1e-13)
        // 0 of 20: the lower bound is exactly 0 and the upper z²/(n + z²) = 0.161125.
        let zero = try #require(WilsonInterval(successes: 0, trials: 20))
        #expect(zero.lower == 0 && abs(zero.upper - 0.16112515805281938) < 1e-13)
        #expect(WilsonInterval(successes: 1, trials: 0) == nil)
        #expect(WilsonInterval(successes: 5, trials: 3) == nil)
    }

    @Test func normalCDFIsAccurateInBothTails() {
        #expect(NormalDistribution.cdf(0) == 0.5)
        #expect(relativeError(NormalDistribution.cdf(1.959963984540054), 0.975) < 1e-15)
        #expect(relativeError(NormalDistribution.sf(8), 6.220960574271785e-16) < 1e-12)
        #expect(relativeError(NormalDistribution.cdf(-10), 7.619853024160527e-24) < 1e-12)
    }

    @Test func dieboldMarianoOnAConstructedCase() throws {
        // Loss differences d = e1² − e2² = [1, −1, 3, 1] (e2 = 0): mean 1, γ0 = (0+4+4+0)/4 = 2,
        // so with h = 1, DM = 1 / √(2/4) = √2.
        let r = try DieboldMariano(errors: [1, 1, 3.0.squareRoot(), 1], [0, 2.0.squareRoot(), 0, 0], horizon: 1)
        #expect(abs(r.statistic - 2.0.squareRoot()) < 1e-12)
        #expect(abs(r.pValueTwoSided - 0.15729920705028513) < 1e-12)
        #expect(abs(r.pValueSecondBetter - 0.15729920705028513 / 2) < 1e-12)
        #expect(abs(r.pValueFirstBetter + r.pValueSecondBetter - 1) < 1e-15)

        // h = 2 adds lag 1 with Bartlett weight 1/2: γ1 = ((−2)(0) + (2)(−2) + (0)(2))/4 = −1,
        // S = 2 + 2·½·(−1) = 1, DM = 1 / √(1/4) = 2.
        let h2 = try DieboldMariano(errors: [1, 1, 3.0.squareRoot(), 1], [0, 2.0.squareRoot(), 0, 0], horizon: 2)
        #expect(abs(h2.statistic - 2) < 1e-12)
    }

    @Test func dieboldMarianoFavoursTheSmallerErrors() throws {
        let small = (0..<200).map { i in 0.5 * sin(Double(i) * 1.7) }
        let large = (0..<200).map { i in 1.5 * cos(Double(i) * 0.9) }
        let r = try DieboldMariano(errors: small, large, horizon: 6)
        #expect(r.statistic < 0 && r.pValueFirstBetter < 0.001)
        #expect(throws: StatisticsError.self) { try DieboldMariano(errors: [1, 2], [1, 2]) }
        #expect(throws: StatisticsError.lengthMismatch(2, 1)) { try DieboldMariano(errors: [1, 2], [1]) }
    }
}
