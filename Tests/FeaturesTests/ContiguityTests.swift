import Testing
import Domain
@testable import Features

@Suite struct ContiguityTests {
    static func bars(at minutes: [Int64]) -> [Bar] {
        minutes.map { Bar(time: Timestamp(milliseconds: 1_735_689_600_000 + $0 * 60_000), open: 1, high: 1, low: 1, close: 1, volume: 0) }
    }

    @Test func aContiguousSeriesHasNoBreaks() throws {
        #expect(FeatureEngine.contiguityBreaks(Self.bars(at: [0, 5, 10, 15])).isEmpty)
        #expect(FeatureEngine.contiguityBreaks(try SharedFixtures.btcBars.get()).isEmpty)
        #expect(FeatureEngine.contiguityBreaks([]).isEmpty)
    }

    @Test func everyKindOfBreakIsReportedWithItsPlace() {
        let breaks = FeatureEngine.contiguityBreaks(Self.bars(at: [0, 5, 20, 20, 15, 22]))
        #expect(breaks.map(\.index) == [2, 3, 4, 5])
        #expect(breaks.map(\.kind) == [.gap(missingBars: 2), .duplicate, .backwards, .offGrid])
        #expect(breaks[0].previous == Self.bars(at: [5])[0].time)
    }

    @Test func theSeamAfterAKnownLastBarIsChecked() {
        let b = Self.bars(at: [0, 15, 20])
        let breaks = FeatureEngine.contiguityBreaks(Array(b[1...]), after: b[0].time)
        #expect(breaks == [ContiguityBreak(index: 0, previous: b[0].time, next: b[1].time, kind: .gap(missingBars: 2))])
    }
}
