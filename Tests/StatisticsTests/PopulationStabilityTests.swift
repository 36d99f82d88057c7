import Testing
@testable import Statistics

@Suite struct PopulationStabilityTests {
    static let caseNames: [String] = (try? FixtureJSON.cases("psi").compactMap { $0["name"] as? String }) ?? []

    @Test func fixtureHasSixCasesAndTheSameDeciles() throws {
        #expect(Self.caseNames.count == 6)
        let root = try FixtureJSON.root("psi")
        #expect(FixtureJSON.doubles(root["quantiles"]) == PopulationStability.quantiles)
    }

    @Test(arguments: caseNames)
    func matchesNumpyReference(name: String) throws {
        let c = try #require(try FixtureJSON.cases("psi").first { $0["name"] as? String == name })
        let r = try PopulationStability.psi(reference: FixtureJSON.doubles(c["reference"]),
                                            current: FixtureJSON.doubles(c["current"]))
        #expect(r.edges == FixtureJSON.doubles(c["edges"]))
        #expect(r.referenceCounts == FixtureJSON.ints(c["counts_reference"]))
        #expect(r.currentCounts == FixtureJSON.ints(c["counts_current"]))
        #expect(r.referenceProportions == FixtureJSON.doubles(c["proportions_reference"]))
        #expect(r.currentProportions == FixtureJSON.doubles(c["proportions_current"]))
        let psi = try #require(FixtureJSON.number(c["psi"]))
        #expect(relativeError(r.psi, psi) <= 1e-12 || (psi == 0 && r.psi == 0), "psi \(r.psi) vs \(psi)")
        for (mine, theirs) in zip(r.terms, FixtureJSON.doubles(c["terms"])) {
            #expect(relativeError(mine, theirs) <= 1e-12 || abs(mine - theirs) <= 1e-18)
        }
    }

    @Test func linearQuantileInterpolatesLikeNumpy() {
        let s = [1.0, 2, 3, 4, 10]
        #expect(PopulationStability.linearQuantile(sorted: s, 0.5) == 3)
        #expect(PopulationStability.linearQuantile(sorted: s, 0.9) == 7.6000000000000005 || PopulationStability.linearQuantile(sorted: s, 0.9) == 7.6)
        #expect(PopulationStability.linearQuantile(sorted: s, 0.1) == 1.4)
        #expect(PopulationStability.linearQuantile(sorted: [5], 0.3) == 5)
    }
}
