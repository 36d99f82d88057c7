import Foundation
import Testing
import Domain
@testable import Features

/// `resume` over a split series gives the same rows, bit for bit, as one pass from scratch.
@Suite struct IncrementalFeatureTests {
    static func sameBits(_ a: FeatureRow, _ b: FeatureRow) -> Bool {
        guard a.time == b.time, a.close == b.close, a.targets == b.targets, a.values.count == b.values.count else { return false }
        return zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    /// Feeds `bars` in chunks of the given sizes and collects rows as a pipeline would upsert them.
    static func upserted(_ bars: [Bar], chunks: [Int], engine: FeatureEngine) throws -> [Int64: FeatureRow] {
        var state = FeatureEngine.State.empty
        var table: [Int64: FeatureRow] = [:]
        var start = 0
        for size in chunks {
            let end = min(bars.count, start + size)
            let update = try engine.resume(state, with: Array(bars[start..<end]))
            for row in update.rows { table[row.time.milliseconds] = row }
            state = update.state
            start = end
        }
        return table
    }

    @Test(arguments: [[1, 29_999], [6, 29_994], [20, 29_980], [25, 29_975], [26, 29_974], [27, 29_973],
                      [15_000, 15_000], [29_994, 6], [29_999, 1]])
    func splittingTheRealSeriesOnceGivesIdenticalRows(split: [Int]) throws {
        let bars = try SharedFixtures.btcBars.get()
        let engine = FeatureEngine(asset: "bitcoin")
        let scratch = try SharedFixtures.btcScratchRows.get()
        let table = try Self.upserted(bars, chunks: split, engine: engine)
        #expect(table.count == scratch.count)
        let mismatches = scratch.filter { row in table[row.time.milliseconds].map { !Self.sameBits($0, row) } ?? true }
        #expect(mismatches.isEmpty, "first mismatch at \(mismatches.first.map(\.time.description) ?? "")")
    }

    @Test func feedingBarsOneByOneGivesIdenticalRows() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(400))
        let engine = FeatureEngine(asset: "bitcoin")
        let scratch = engine.rows(for: bars)
        let table = try Self.upserted(bars, chunks: Array(repeating: 1, count: bars.count), engine: engine)
        #expect(scratch.allSatisfy { row in table[row.time.milliseconds].map { Self.sameBits($0, row) } ?? false })
    }

    @Test func unevenChunksOverTheRealSeriesGiveIdenticalRows() throws {
        let bars = try SharedFixtures.btcBars.get()
        let engine = FeatureEngine(asset: "bitcoin")
        let scratch = try SharedFixtures.btcScratchRows.get()
        var sizes: [Int] = []
        var rng = SplitMix64(seed: 7)
        while sizes.reduce(0, +) < bars.count { sizes.append(Int(rng.next() % 700) + 1) }
        let table = try Self.upserted(bars, chunks: sizes, engine: engine)
        #expect(scratch.allSatisfy { row in table[row.time.milliseconds].map { Self.sameBits($0, row) } ?? false })
    }

    @Test func resumeHandsBackTheEarlierRowsWhoseTargetsBecameKnown() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(100))
        let engine = FeatureEngine(asset: "bitcoin")
        let first = try engine.resume(.empty, with: Array(bars[0..<50]))
        #expect(first.newRows.count == 50 && first.completedRows.isEmpty)
        #expect(first.newRows.suffix(6).allSatisfy { $0.targets == nil })

        let second = try engine.resume(first.state, with: Array(bars[50..<52]))
        #expect(second.completedRows.map(\.time) == [bars[44].time, bars[45].time])
        #expect(second.completedRows.allSatisfy { $0.targets != nil })
        #expect(second.newRows.map(\.time) == [bars[50].time, bars[51].time])
        #expect(second.newRows.allSatisfy { $0.targets == nil })
        #expect(second.state.barCount == 52 && second.state.lastBarTime == bars[51].time)
    }

    @Test func emptyInputLeavesTheStateUnchanged() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(30))
        let engine = FeatureEngine(asset: "bitcoin")
        let first = try engine.resume(.empty, with: bars)
        let again = try engine.resume(first.state, with: [])
        #expect(again.rows.isEmpty && again.state == first.state)
    }

    @Test func stateRoundTripsThroughJSONAndStaysSmall() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(300))
        let engine = FeatureEngine(asset: "bitcoin")
        let first = try engine.resume(.empty, with: Array(bars[0..<200]))
        let data = try JSONEncoder().encode(first.state)
        #expect(data.count < 2_000)
        let decoded = try JSONDecoder().decode(FeatureEngine.State.self, from: data)
        #expect(decoded == first.state)
        let viaDecoded = try engine.resume(decoded, with: Array(bars[200...]))
        let direct = try engine.resume(first.state, with: Array(bars[200...]))
        #expect(viaDecoded == direct)
    }

    @Test func resumeRefusesBarsThatDoNotContinueTheState() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(40))
        let engine = FeatureEngine(asset: "bitcoin")
        let first = try engine.resume(.empty, with: Array(bars[0..<20]))
        #expect(throws: FeatureEngineError.self) { try engine.resume(first.state, with: Array(bars[21...])) }
        #expect(throws: FeatureEngineError.self) { try engine.resume(first.state, with: Array(bars[19...])) }
    }

    @Test func resumeRefusesATamperedState() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(40))
        let engine = FeatureEngine(asset: "bitcoin")
        var state = try engine.resume(.empty, with: bars).state
        state.closes.removeLast()
        #expect(throws: FeatureEngineError.self) { try engine.resume(state, with: [bars[0]]) }
    }
}
