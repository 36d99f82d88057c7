import Domain
import Pipelines
import Testing

@Suite struct DriftAnalysisTests {
    static func rows(_ columns: [[Double]]) -> [FeatureRow] {
        let n = columns.first?.count ?? 0
        return (0..<n).map { i in
            FeatureRow(asset: AssetID("x"), featureSet: "t", time: Timestamp(milliseconds: Int64(i) * 300_000), close: 1,
                       values: columns.map { $0[i] }, targets: nil)
        }
    }

    @Test func scoreIsTheMeanKSStatisticOverDecidingFeaturesOnly() {
        let reference = Self.rows([(0..<100).map(Double.init), (0..<100).map(Double.init), (0..<100).map(Double.init)])
        // a: identical; b: disjoint (D = 1); level: disjoint but not deciding.
        let recent = Self.rows([(0..<100).map(Double.init), (200..<300).map(Double.init), (500..<600).map(Double.init)])
        let o = DriftAnalysis.compare(reference: reference, recent: recent, columns: ["a", "b", "level"],
                                      nonDeciding: ["level"], significance: 0.05)
        #expect(o.decidingCount == 2)
        #expect(o.score == 0.5)
        #expect(o.shareDrifted == 0.5)
        #expect(o.features.map(\.drifted) == [false, true, true])
        #expect(o.features[2].deciding == false && o.features[2].ksStatistic == 1)
    }

    @Test func adjustedPValuesAreNeverBelowTheRawOnes() {
        let reference = Self.rows([(0..<60).map { Double($0 % 13) }, (0..<60).map { Double($0 % 7) }])
        let recent = Self.rows([(0..<30).map { Double($0 % 5 + 4) }, (0..<30).map { Double($0 % 7) }])
        let o = DriftAnalysis.compare(reference: reference, recent: recent, columns: ["a", "b"], nonDeciding: [], significance: 0.05)
        for f in o.features { #expect(f.adjustedPValue >= f.pValue) }
    }

    @Test func nonFiniteValuesAreLeftOutOfTheSamples() {
        let reference = Self.rows([[1, 2, .nan, 3, 4], [.nan, .nan, .nan, .nan, .nan]])
        let recent = Self.rows([[1, 2, 3, .infinity, 4], [1, 2, 3, 4, 5]])
        let o = DriftAnalysis.compare(reference: reference, recent: recent, columns: ["a", "empty"], nonDeciding: [], significance: 0.05)
        #expect(o.features.map(\.feature) == ["a"])
        #expect(o.features[0].ksStatistic == 0)
        #expect(o.skippedColumns == ["empty"])
    }
}
