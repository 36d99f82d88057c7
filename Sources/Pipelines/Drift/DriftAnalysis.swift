public import Domain
import Foundation
import Statistics
import Synchronization

/// The pure statistics of one drift check: per feature the two-sample KS test and PSI
/// between a reference and a recent window, Benjamini–Hochberg over the deciding features,
/// the dataset score (mean KS statistic over deciding features) and the share drifted.
///
/// Non-finite values are left out of a column's samples; a column with no finite value in
/// either window cannot be compared and is left out of the report (stores and JSON take
/// finite numbers only); ``Outcome/skippedColumns`` names it.
public enum DriftAnalysis {
    public struct Outcome: Sendable, Equatable {
        /// In column order, without the skipped columns.
        public var features: [FeatureDrift]
        public var score: Double
        public var shareDrifted: Double
        public var decidingCount: Int
        /// Columns without a finite value in one of the windows.
        public var skippedColumns: [String]
    }

    /// The reference window's finite values per column, sorted ascending: built once per
    /// training window and compared with every recent window until the next training.
    public struct ReferenceColumns: Sendable {
        public let width: Int
        let sorted: [[Double]]

        public init(rows: [FeatureRow], width: Int) {
            self.width = width
            sorted = DriftAnalysis.finiteColumns(rows, width: width).map { $0.sorted() }
        }
    }

    public static func compare(reference: [FeatureRow], recent: [FeatureRow], columns: [String],
                               nonDeciding: Set<String>, significance: Double) -> Outcome {
        compare(reference: ReferenceColumns(rows: reference, width: columns.count), recent: recent, columns: columns,
                nonDeciding: nonDeciding, significance: significance)
    }

    public static func compare(reference: ReferenceColumns, recent: [FeatureRow], columns: [String],
                               nonDeciding: Set<String>, significance: Double) -> Outcome {
        let width = columns.count
        let referenceColumns = reference.width == width ? reference.sorted : [[Double]](repeating: [], count: width)
        let recentColumns = finiteColumns(recent, width: width).map { $0.sorted() }

        // Columns are independent and the exact KS p-value is most of a check: test them on
        // every core. Results land by column index, so the outcome does not depend on timing.
        let tested = Mutex([ColumnTest?](repeating: nil, count: width))
        DispatchQueue.concurrentPerform(iterations: width) { i in
            let ref = referenceColumns[i], cur = recentColumns[i]
            guard !ref.isEmpty, !cur.isEmpty, let ks = try? KolmogorovSmirnov.ks2Sample(sorted: ref, sorted: cur),
                  let psi = try? PopulationStability.psi(sortedReference: ref, current: cur),
                  ks.statistic.isFinite, ks.pValue.isFinite, psi.psi.isFinite else { return }
            tested.withLock { $0[i] = ColumnTest(ks: ks, psi: psi.psi) }
        }
        let results = tested.withLock { $0 }

        var features: [FeatureDrift] = []
        features.reserveCapacity(width)
        var decidingIndices: [Int] = []
        var skipped: [String] = []
        for i in 0..<width {
            guard let test = results[i] else {
                skipped.append(columns[i])
                continue
            }
            let ks = test.ks
            let deciding = !nonDeciding.contains(columns[i])
            if deciding { decidingIndices.append(features.count) }
            features.append(FeatureDrift(feature: columns[i], ksStatistic: ks.statistic, pValue: ks.pValue,
                                         adjustedPValue: ks.pValue, psi: test.psi, drifted: false, deciding: deciding))
        }

        // The correction runs over the deciding features only: they are the hypotheses that
        // decide; reported-only columns get their own raw p-value as "adjusted".
        let adjusted = BenjaminiHochberg.adjust(decidingIndices.map { features[$0].pValue })
        for (k, i) in decidingIndices.enumerated() {
            features[i].adjustedPValue = adjusted[k]
            features[i].drifted = adjusted[k] < significance
        }
        for i in features.indices where !features[i].deciding {
            features[i].drifted = features[i].pValue < significance
        }
        let count = decidingIndices.count
        let score = count == 0 ? 0 : decidingIndices.reduce(0.0) { $0 + features[$1].ksStatistic } / Double(count)
        let drifted = decidingIndices.filter { features[$0].drifted }.count
        return Outcome(features: features, score: score, shareDrifted: count == 0 ? 0 : Double(drifted) / Double(count),
                       decidingCount: count, skippedColumns: skipped)
    }

    private struct ColumnTest: Sendable {
        let ks: KolmogorovSmirnov.Result
        let psi: Double
    }

    /// Per column, the finite values of the rows that have every column.
    static func finiteColumns(_ rows: [FeatureRow], width: Int) -> [[Double]] {
        var columns = [[Double]](repeating: [], count: width)
        for i in 0..<width { columns[i].reserveCapacity(rows.count) }
        for row in rows where row.values.count == width {
            for i in 0..<width where row.values[i].isFinite { columns[i].append(row.values[i]) }
        }
        return columns
    }
}
