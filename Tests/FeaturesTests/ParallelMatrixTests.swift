import Testing
import Domain
@testable import Features

/// The matrix and rows paths give the same bits whatever the thread count, chunking or storage reuse.
@Suite struct ParallelMatrixTests {
    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func bars(closes: [Double], times: [Int64]) -> [Bar] {
        zip(closes, times).map { c, t in
            Bar(time: Timestamp(milliseconds: t), open: c, high: c, low: c, close: c, volume: 1)
        }
    }

    @Test func aMatrixOnOneThreadEqualsOneOnSeveralBitForBit() throws {
        let bars = try SharedFixtures.btcBars.get()
        let engine = FeatureEngine(asset: "bitcoin")
        var one = FeatureMatrix(), several = FeatureMatrix()
        engine.matrix(for: bars, into: &one, threads: 1)
        engine.matrix(for: bars, into: &several, threads: 4)
        #expect(one.rowCount == bars.count && several.rowCount == bars.count)
        #expect(Self.sameBits(one.values, several.values))
        #expect(one.closes == several.closes && one.times == several.times)
    }

    @Test func rowsOnOneThreadEqualRowsOnSeveralAndTheMatrix() throws {
        let bars = try SharedFixtures.btcBars.get()
        let engine = FeatureEngine(asset: "bitcoin")
        let one = engine.rows(for: bars, threads: 1)
        let several = engine.rows(for: bars, threads: 3)
        #expect(one.count == bars.count && several.count == bars.count)
        #expect(zip(one, several).allSatisfy { IncrementalFeatureTests.sameBits($0, $1) })
        let matrix = engine.matrix(for: bars)
        let mismatched = one.indices.filter { i in
            FeatureColumn.allCases.contains { matrix[i, $0].bitPattern != one[i].values[$0.rawValue].bitPattern }
        }
        #expect(mismatched.isEmpty, "first mismatching row \(mismatched.first ?? -1)")
    }

    @Test func refillingAMatrixOfTheSameLengthReusesItsStorage() throws {
        let bars = try SharedFixtures.btcBars.get()
        let engine = FeatureEngine(asset: "bitcoin")
        let fresh = engine.matrix(for: bars)
        var reused = engine.matrix(for: Array(bars.reversed().map { Bar(time: $0.time, open: 1, high: 1, low: 1, close: 1, volume: 1) }))
        let before = reused.values.withUnsafeBufferPointer { $0.baseAddress }
        engine.matrix(for: bars, into: &reused)
        let after = reused.values.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
        #expect(Self.sameBits(reused.values, fresh.values) && reused.times == fresh.times && reused.closes == fresh.closes)
    }

    @Test func refillingWithADifferentLengthResizesTheMatrix() throws {
        let bars = try SharedFixtures.btcBars.get()
        let engine = FeatureEngine(asset: "bitcoin")
        var matrix = engine.matrix(for: bars)
        engine.matrix(for: Array(bars.prefix(100)), into: &matrix)
        #expect(matrix.rowCount == 100 && matrix.values.count == 100 * FeatureMatrix.columnCount)
        #expect(Self.sameBits(matrix.values, engine.matrix(for: Array(bars.prefix(100))).values))
        engine.matrix(for: [], into: &matrix)
        #expect(matrix.rowCount == 0 && matrix.values.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 13, 21, 22, 23, 27])
    func shortSeriesGiveTheSameBitsOnEveryPath(count: Int) throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(count))
        let engine = FeatureEngine(asset: "bitcoin")
        let matrix = engine.matrix(for: bars)
        let rows = engine.rows(for: bars)
        let resumed = try engine.resume(.empty, with: bars).newRows
        #expect(rows.count == count && resumed.count == count)
        #expect(zip(rows, resumed).allSatisfy { IncrementalFeatureTests.sameBits($0, $1) })
        for i in 0..<count {
            #expect(FeatureColumn.allCases.allSatisfy { matrix[i, $0].bitPattern == rows[i].values[$0.rawValue].bitPattern })
            #expect(matrix[i, .futurePrice].isNaN == (rows[i].targets == nil))
        }
        // Row 0 has a close and calendar fields but no return; nothing windowed is defined before row 19.
        #expect(matrix[0, .returns].isNaN && matrix[0, .priceLag1].isNaN && !matrix[0, .hour].isNaN)
        if count <= 19 { #expect(matrix.column(.sma20).allSatisfy { $0.isNaN }) }
    }

    @Test func constantPricesGiveZeroSpreadAndUndefinedRatios() throws {
        let times = (0..<40).map { 1_735_689_600_000 + Int64($0) * 300_000 }
        let bars = Self.bars(closes: Array(repeating: 100, count: 40), times: times)
        let matrix = FeatureEngine(asset: "bitcoin").matrix(for: bars)
        let last = 39
        #expect(matrix[last, .sma20] == 100 && matrix[last, .priceToSMA20] == 1 && matrix[last, .bbWidth] == 0)
        #expect(matrix[last, .volatility] == 0 && matrix[last, .returns] == 0 && matrix[last, .logReturns] == 0)
        // pandas: 0/0 for the Bollinger position and for RSI with neither gains nor losses.
        #expect(matrix[last, .bbPosition].isNaN && matrix[last, .rsi].isNaN)
        #expect(matrix[0, .targetDirection] == 0 && matrix[0, .targetReturn] == 0)
    }

    @Test func calendarFieldsFollowGapsAndMidnightsInUTC() throws {
        // 23:50, 23:55, 00:00 (next day), then a gap to 13:05 two days later, then 1969 (before the epoch).
        let day: Int64 = 86_400_000
        let sunday = Int64(1_735_430_400_000) // 2024-12-29T00:00Z, a Sunday
        let times = [sunday + day - 600_000, sunday + day - 300_000, sunday + day, sunday + 3 * day + 47_100_000,
                     -300_000]
        let bars = Self.bars(closes: [1, 2, 3, 4, 5], times: times)
        let m = FeatureEngine(asset: "bitcoin").matrix(for: bars)
        #expect((0..<5).map { m[$0, .hour] } == [23, 23, 0, 13, 23])
        #expect((0..<5).map { m[$0, .dayOfWeek] } == [6, 6, 0, 2, 2])
        #expect((0..<5).map { m[$0, .isWeekend] } == [1, 1, 0, 0, 0])
    }
}
