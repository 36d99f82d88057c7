/// Benjamini–Hochberg adjustment of p-values for testing many hypotheses at once (false discovery
/// rate): p̃_(i) = min_{j ≥ i} min(1, p_(j) · m / j) over the ascending order, returned in input order
/// (R's `p.adjust(method = "BH")`, statsmodels' `fdr_bh`). NaN p-values stay NaN and do not count in m.
public enum BenjaminiHochberg {
    public static func adjust(_ pValues: [Double]) -> [Double] {
        var result = [Double](repeating: .nan, count: pValues.count)
        let order = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = Double(order.count)
        var running = 1.0
        for rank in stride(from: order.count, through: 1, by: -1) {
            let index = order[rank - 1]
            running = min(running, pValues[index] * m / Double(rank))
            result[index] = min(max(running, 0), 1)
        }
        return result
    }
}
