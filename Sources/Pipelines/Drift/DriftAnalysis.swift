public import Domain
import Statistics

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

    public static func compare(reference: [FeatureRow], recent: [FeatureRow], columns: [String],
                               nonDeciding: Set<String>, significance: Double) -> Outcome {
        let width = columns.count
        var referenceColumns = [[Double]](repeating: [], count: width)
        var recentColumns = [[Double]](repeating: [], count: width)
        for i in 0..<width {
            referenceColumns[i].reserveCapacity(reference.count)
            recentColumns[i].reserveCapacity(recent.count)
        }
        for row in reference where row.values.count == width {
            for i in 0..<width where row.values[i].isFinite { referenceColumns[i].append(row.values[i]) }
        }
        for row in recent where row.values.count == width {
            for i in 0..<width where row.values[i].isFinite { recentColumns[i].append(row.values[i]) }
        }

        var features: [FeatureDrift] = []
        features.reserveCapacity(width)
        var decidingIndices: [Int] = []
        var skipped: [String] = []
        for i in 0..<width {
            let ref = referenceColumns[i], cur = recentColumns[i]
            guard !ref.isEmpty, !cur.isEmpty, let ks = try? KolmogorovSmirnov.ks2Sample(ref, cur),
                  let psi = try? PopulationStability.psi(reference: ref, current: cur),
                  ks.statistic.isFinite, ks.pValue.isFinite, psi.psi.isFinite else {
                skipped.append(columns[i])
                continue
            }
            let deciding = !nonDeciding.contains(columns[i])
            if deciding { decidingIndices.append(features.count) }
            features.append(FeatureDrift(feature: columns[i], ksStatistic: ks.statistic, pValue: ks.pValue,
                                         adjustedPValue: ks.pValue, psi: psi.psi, drifted: false, deciding: deciding))
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
}
