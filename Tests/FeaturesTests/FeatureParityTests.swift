import Testing
import Domain
@testable import Features

/// Feature set v1 against the pandas golden file, every value of every column.
@Suite struct FeatureParityTests {
    static let targetColumns = ["future_price", "target_return", "target_log_return", "target_direction"]

    /// Compares engine rows with a golden table (same row order) and returns one comparison per column.
    static func compare(_ rows: [FeatureRow], with golden: FixtureCSV, tolerances: Tolerances) -> [ColumnComparison] {
        var results: [ColumnComparison] = []
        func run(_ name: String, _ actual: (Int) -> Double) {
            var cmp = ColumnComparison(name: name, bound: tolerances.bound(for: name))
            if let g = golden.column(name) {
                for i in 0..<min(rows.count, g.count) { cmp.check(row: i, actual: actual(i), golden: g[i]) }
            }
            results.append(cmp)
        }
        run("timestamp_ms") { Double(rows[$0].time.milliseconds) }
        run("close") { rows[$0].close }
        for column in FeatureColumn.allCases {
            run(column.name) { rows[$0].values[column.rawValue] }
        }
        run("future_price") { rows[$0].targets?.futurePrice ?? .nan }
        run("target_return") { rows[$0].targets?.targetReturn ?? .nan }
        run("target_log_return") { rows[$0].targets?.targetLogReturn ?? .nan }
        run("target_direction") { rows[$0].targets.map { Double($0.targetDirection) } ?? .nan }
        return results
    }

    @Test func columnOrderMatchesDomainFeatureSet() {
        #expect(FeatureColumn.allCases.map(\.name) == FeatureSetVersion.v1.columns)
        #expect(FeatureColumn.allCases.count == FeatureColumn.count)
    }

    @Test func everyValueOfEveryColumnMatchesPandasOn30000Bars() throws {
        let bars = try SharedFixtures.btcBars.get()
        let golden = try FixtureCSV.load("btc-features-v1.csv")
        let tolerances = try Tolerances.load()
        try #require(bars.count == 30_000 && golden.rowCount == 30_000)
        #expect(golden.header.count == 38)

        let rows = FeatureEngine(asset: "bitcoin").rows(for: bars)
        try #require(rows.count == bars.count)
        let results = Self.compare(rows, with: golden, tolerances: tolerances)
        #expect(results.count == 38)
        let report = results.map(\.description).joined(separator: "\n")
        for result in results {
            #expect(result.passed, "\(result)\n--- all columns ---\n\(report)")
        }
        #expect(rows.filter { $0.isComplete && $0.targets != nil }.count == 29_974)
    }

    @Test func warmUpRowsMatchTheFirst40GoldenRows() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(40))
        let golden = try FixtureCSV.load("small-40.csv")
        let rows = FeatureEngine(asset: "bitcoin").rows(for: bars)
        let results = Self.compare(rows, with: golden, tolerances: try Tolerances.load())
        for result in results where !Self.targetColumns.contains(result.name) {
            #expect(result.passed, "\(result)")
        }
        // The golden file knows the future beyond bar 40; a 40-bar series does not.
        #expect(rows.suffix(6).allSatisfy { $0.targets == nil })
        #expect(rows.dropLast(6).allSatisfy { $0.targets != nil })
        #expect(rows[20].isComplete && !rows[19].isComplete)
    }

    @Test func matrixHoldsTheSameNumbersAsRows() throws {
        let bars = Array(try SharedFixtures.btcBars.get().prefix(5_000))
        let engine = FeatureEngine(asset: "bitcoin")
        let rows = engine.rows(for: bars)
        let matrix = engine.matrix(for: bars)
        #expect(matrix.rowCount == rows.count)
        for (i, row) in rows.enumerated() {
            for column in FeatureColumn.allCases {
                let a = matrix[i, column], b = row.values[column.rawValue]
                #expect(a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN))
            }
            #expect(matrix[i, .futurePrice].isNaN == (row.targets == nil))
            if let t = row.targets {
                #expect(matrix[i, .futurePrice] == t.futurePrice && matrix[i, .targetReturn] == t.targetReturn)
                #expect(matrix[i, .targetLogReturn] == t.targetLogReturn)
                #expect(matrix[i, .targetDirection] == Double(t.targetDirection))
            }
        }
    }
}
