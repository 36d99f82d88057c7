public import Domain
import Statistics

/// The pure statistics of one drift check: per feature the two-sample KS test and PSI
/// between a reference and a recent window, Benjamini–Hochberg over the deciding features,
/// the dataset score (mean KS statistic over deciding features) and the share drifted.
///
/// Non-finite values are left out of a column's samples; a column with no finite value in
/// either window is reported with NaN statistics and never decides.
public enum DriftAnalysis {
    public struct Outcome: Sendable, Equatable {
        /// In column order.
        public var features: [FeatureDrift]
        public var score: Double
        public var shareDrifted: Double
        public var decidingCount: Int
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
        for i in 0..<width {
            let ref = referenceColumns[i], cur = recentColumns[i]
            var ks = Double.nan, p = Double.nan, psi = Double.nan
            if !ref.isEmpty, !cur.isEmpty {
                if let r = try? KolmogorovSmirnov.ks2Sample(ref, cur) { ks = r.statistic; p = r.pValue }
                if let r = try? PopulationStability.psi(reference: ref, current: cur) { psi = r.psi }
            }
            let deciding = !nonDeciding.contains(columns[i]) && ks.isFinite && p.isFinite
            if deciding { decidingIndices.append(i) }
            features.append(FeatureDrift(feature: columns[i], ksStatistic: ks, pValue: p, adjustedPValue: .nan,
                                         psi: psi, drifted: false, deciding: deciding))
        }

        // The correction runs over the deciding features only: they are the hypotheses that
        // decide; reported-only columns get their own raw p-value as "adjusted".
        let adjusted = BenjaminiHochberg.adjust(decidingIndices.map { features[$0].pValue })
        for (k, i) in decidingIndices.enumerated() {
            features[i].adjustedPValue = adjusted[k]
            features[i].drifted = adjusted[k] < significance
        }
        for i in features.indices where !features[i].deciding {
            features[i].adjustedPValue = features[i].pValue
            features[i].drifted = features[i].pValue < significance
        }
        let count = decidingIndices.count
        let score = count == 0 ? 0 : decidingIndices.reduce(0.0) { $0 + features[$1].ksStatistic } / Double(count)
        let drifted = decidingIndices.filter { features[$0].drifted }.count
        return Outcome(features: features, score: score, shareDrifted: count == 0 ? 0 : Double(drifted) / Double(count),
                       decidingCount: count)
    }
}
