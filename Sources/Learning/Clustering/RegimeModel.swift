/// A market state named from what its cluster's rows did.
public enum Regime: String, Sendable, Hashable, Codable, CaseIterable {
    /// The cluster with the highest mean target return.
    case uptrend
    /// The cluster with the lowest mean target return.
    case downtrend
    /// Of the two remaining clusters, the calmer one (lower mean volatility).
    case accumulation
    /// Of the two remaining clusters, the more volatile one.
    case distribution
}

/// Market regimes: PCA (5 components) then k-means (k = 4) on the rows it is fitted on,
/// each cluster named a `Regime` from its members' mean target return and mean volatility.
///
/// It takes **standardised** rows (the training `StandardScaler` applied) both when fitted
/// and when applied: fitting it on one representation and feeding it another (the replaced
/// system's bug) silently assigns every row to the wrong cluster.
/// Invariant: `names` is a permutation of `Regime.allCases`, one per k-means cluster.
public struct RegimeModel: Sendable, Hashable, Codable {
    public static let formatVersion = 1
    public let formatVersion: Int
    public let pca: PCA
    public let kmeans: KMeans
    /// Regime of each k-means cluster, by cluster index.
    public let names: [Regime]

    /// - Parameters:
    ///   - scaled: standardised training rows.
    ///   - returns: each row's target log return.
    ///   - volatility: each row's volatility (any monotone representation: raw or scaled).
    public init(fitting scaled: Matrix, returns: [Double], volatility: [Double],
                componentCount: Int = 5, initCount: Int = 10, seed: UInt64 = 42) throws(LearningError) {
        guard returns.count == scaled.rows, volatility.count == scaled.rows else {
            throw .shapeMismatch("\(scaled.rows) rows, \(returns.count) returns, \(volatility.count) volatilities")
        }
        let pca = try PCA(fitting: scaled, componentCount: min(componentCount, scaled.columns))
        let projected = try pca.transform(scaled)
        let kmeans = try KMeans(fitting: projected, clusterCount: 4, initCount: initCount, seed: seed)
        var returnSum = [Double](repeating: 0, count: 4), volatilitySum = returnSum, count = returnSum
        for r in 0..<projected.rows {
            let c = kmeans.cluster(projected.row(r))
            returnSum[c] += returns[r]
            volatilitySum[c] += volatility[r]
            count[c] += 1
        }
        let meanReturn = (0..<4).map { count[$0] > 0 ? returnSum[$0] / count[$0] : 0 }
        let meanVolatility = (0..<4).map { count[$0] > 0 ? volatilitySum[$0] / count[$0] : 0 }
        formatVersion = Self.formatVersion
        self.pca = pca
        self.kmeans = kmeans
        names = Self.names(meanReturn: meanReturn, meanVolatility: meanVolatility)
    }

    /// Names four clusters from their mean return and mean volatility (ties: lower index first).
    public static func names(meanReturn: [Double], meanVolatility: [Double]) -> [Regime] {
        precondition(meanReturn.count == 4 && meanVolatility.count == 4, "RegimeModel: four clusters")
        var remaining = Array(0..<4)
        let up = remaining.max { meanReturn[$0] < meanReturn[$1] || (meanReturn[$0] == meanReturn[$1] && $0 > $1) } ?? 0
        remaining.removeAll { $0 == up }
        let down = remaining.min { meanReturn[$0] < meanReturn[$1] || (meanReturn[$0] == meanReturn[$1] && $0 < $1) } ?? 0
        remaining.removeAll { $0 == down }
        let calm = remaining.min { meanVolatility[$0] < meanVolatility[$1] || (meanVolatility[$0] == meanVolatility[$1] && $0 < $1) } ?? 0
        var out = [Regime](repeating: .distribution, count: 4)
        out[up] = .uptrend
        out[down] = .downtrend
        out[calm] = .accumulation
        return out
    }

    /// Whether the parts fit together (a decoded model must, before it is applied).
    var isConsistent: Bool {
        let p = pca.mean.count, k = pca.componentCount
        return p > 0 && k > 0 && pca.components.allSatisfy { $0.count == p }
            && kmeans.clusterCount == 4 && kmeans.centroids.allSatisfy { $0.count == k }
            && Set(names) == Set(Regime.allCases) && names.count == 4
    }

    /// The k-means cluster of one standardised row.
    public func cluster(_ scaledRow: ArraySlice<Double>) -> Int { kmeans.cluster(pca.transform(scaledRow)[...]) }

    /// The regime of one standardised row.
    public func regime(_ scaledRow: ArraySlice<Double>) -> Regime { names[cluster(scaledRow)] }

    public func regime(_ scaledRow: [Double]) -> Regime { regime(scaledRow[...]) }
}
