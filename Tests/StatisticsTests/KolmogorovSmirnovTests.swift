import Testing
@testable import Statistics

@Suite struct KolmogorovSmirnovTests {
    static let caseNames: [String] = (try? FixtureJSON.cases("ks").compactMap { $0["name"] as? String }) ?? []

    static func fixture(_ name: String) throws -> [String: Any] {
        let all = try FixtureJSON.cases("ks")
        return try #require(all.first { $0["name"] as? String == name })
    }

    @Test func fixtureHasTwelveCases() { #expect(Self.caseNames.count == 12) }

    @Test(arguments: caseNames)
    func exactMatchesScipy(name: String) throws {
        let c = try Self.fixture(name)
        let expected = try #require(c["exact"] as? [String: Any])
        let r = try KolmogorovSmirnov.ks2Sample(FixtureJSON.doubles(c["sample1"]), FixtureJSON.doubles(c["sample2"]), method: .exact)
        #expect(r.method == .exact)
        let d = try #require(FixtureJSON.number(expected["statistic"]))
        #expect(abs(r.statistic - d) <= 1e-15, "D \(r.statistic) vs \(d)")
        let p = try #require(FixtureJSON.number(expected["pvalue"]))
        #expect(relativeError(r.pValue, p) <= 1e-9, "p \(r.pValue) vs \(p)")
        #expect(r.location == FixtureJSON.number(expected["statistic_location"]))
        #expect(Double(r.sign) == FixtureJSON.number(expected["statistic_sign"]))
    }

    @Test(arguments: caseNames)
    func asymptoticMatchesScipyKstwo(name: String) throws {
        let c = try Self.fixture(name)
        let expected = try #require(c["asymp"] as? [String: Any])
        let r = try KolmogorovSmirnov.ks2Sample(FixtureJSON.doubles(c["sample1"]), FixtureJSON.doubles(c["sample2"]), method: .asymptotic)
        #expect(r.method == .asymptotic)
        let d = try #require(FixtureJSON.number(expected["statistic"]))
        #expect(abs(r.statistic - d) <= 1e-15, "D \(r.statistic) vs \(d)")
        let p = try #require(FixtureJSON.number(expected["pvalue"]))
        #expect(relativeError(r.pValue, p) <= 1e-6 || abs(r.pValue - p) <= 1e-12, "p \(r.pValue) vs \(p)")
    }

    @Test(arguments: caseNames)
    func limitingSeriesMatchesScipyKstwobign(name: String) throws {
        let c = try Self.fixture(name)
        let expected = try #require(c["asymp"] as? [String: Any])
        let d = try #require(FixtureJSON.number(expected["statistic"]))
        let en = try #require(FixtureJSON.number(c["en"]))
        let q = try #require(FixtureJSON.number(c["kolmogorov_limit_pvalue"]))
        let mine = KolmogorovDistribution.limitingSF(en.squareRoot() * d)
        #expect(relativeError(mine, q) <= 1e-6 || abs(mine - q) <= 1e-12, "Q \(mine) vs \(q)")
    }

    @Test(arguments: caseNames)
    func autoChoosesExactForTheseSizes(name: String) throws {
        let c = try Self.fixture(name)
        let r = try KolmogorovSmirnov.ks2Sample(FixtureJSON.doubles(c["sample1"]), FixtureJSON.doubles(c["sample2"]))
        #expect(r.method == .exact)
    }

    @Test func autoFallsBackToAsymptoticForLargeSamples() throws {
        let a = (0..<10_001).map { Double($0) }, b = (0..<50).map { Double($0) * 3.3 }
        let r = try KolmogorovSmirnov.ks2Sample(a, b)
        #expect(r.method == .asymptotic && r.pValue >= 0 && r.pValue <= 1)
    }

    @Test(arguments: caseNames)
    func presortedSamplesGiveTheSameResult(name: String) throws {
        let c = try Self.fixture(name)
        let a = FixtureJSON.doubles(c["sample1"]), b = FixtureJSON.doubles(c["sample2"])
        let sorted = try KolmogorovSmirnov.ks2Sample(sorted: a.sorted(), sorted: b.sorted())
        #expect(sorted == (try KolmogorovSmirnov.ks2Sample(a, b)))
    }

    @Test func aPresortedSampleThatIsNotSortedIsRefused() {
        #expect(throws: StatisticsError.unsorted("b", index: 2)) {
            try KolmogorovSmirnov.ks2Sample(sorted: [1, 2], sorted: [1, 3, 2])
        }
        #expect(throws: StatisticsError.unsorted("reference", index: 1)) {
            try PopulationStability.psi(sortedReference: [2, 1], current: [1])
        }
    }

    @Test func emptyOrNonFiniteSamplesAreRefused() {
        #expect(throws: StatisticsError.emptySample("a")) { try KolmogorovSmirnov.ks2Sample([], [1]) }
        #expect(throws: StatisticsError.nonFinite("b", index: 1)) { try KolmogorovSmirnov.ks2Sample([1], [2, .nan]) }
    }

    @Test func kolmogorovCDFAndSFAreComplementaryAcrossMethods() {
        // Points in each region of the Simard–L'Ecuyer split: Ruben–Gambino, Durbin, one-sided, Pelz–Good.
        for (x, n) in [(0.15, 10), (0.3, 20), (0.6, 30), (0.05, 500), (0.08, 1000), (0.2, 400)] {
            let c = KolmogorovDistribution.cdf(x, n: n), s = KolmogorovDistribution.sf(x, n: n)
            #expect(c >= 0 && c <= 1 && s >= 0 && s <= 1)
            #expect(abs(c + s - 1) <= 1e-6, "x \(x) n \(n): \(c) + \(s)")
        }
    }

    @Test func durbinAgreesWithPelzGoodWhereBothApply() {
        // For large n the expansion is accurate to ≈ 1e-7; the matrix method is exact.
        let exact = KolmogorovDistribution.durbinCDF(1000, 0.02)
        let approx = KolmogorovDistribution.pelzGoodCDF(1000, 0.02)
        #expect(abs(exact - approx) < 1e-5)
    }
}
