/// Principal component analysis fitted on the rows it is given (centred, not rescaled).
///
/// Components are the leading eigenvectors of the sample covariance, sorted by eigenvalue,
/// each with the sign that makes its largest-magnitude loading positive (scikit-learn's
/// `svd_flip(u_based_decision=False)`), so a refit on the same data gives the same axes.
/// `explainedVariance` uses ddof 1; `explainedVarianceRatio` is each over the total variance.
/// Invariant: `components.count == explainedVariance.count`, each component has `mean.count` loadings.
public struct PCA: Sendable, Hashable, Codable {
    public static let formatVersion = 1
    public let formatVersion: Int
    public let mean: [Double]
    /// Unit-length principal axes, the first explaining the most variance.
    public let components: [[Double]]
    public let explainedVariance: [Double]
    public let explainedVarianceRatio: [Double]

    public var componentCount: Int { components.count }

    /// Fits `componentCount` components on `x`. Throws with fewer than 2 rows or more
    /// components than columns.
    public init(fitting x: Matrix, componentCount: Int) throws(LearningError) {
        guard x.rows >= 2 else { throw .emptyTrainingSet }
        guard componentCount >= 1, componentCount <= x.columns else {
            throw .invalidHyperparameter("PCA components must be in 1...\(x.columns), got \(componentCount)")
        }
        let n = x.rows, p = x.columns
        let mean = RidgeRegression.columnMeans(x)
        guard mean.allSatisfy(\.isFinite) else { throw .nonFiniteInput("PCA training data") }
        var cov = [Double](repeating: 0, count: p * p)
        var centred = [Double](repeating: 0, count: p)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * p
                for j in 0..<p { centred[j] = v[base + j] - mean[j] }
                for i in 0..<p {
                    let ci = centred[i], row = i * p
                    for j in 0...i { cov[row + j] += ci * centred[j] }
                }
            }
        }
        let denominator = Double(n - 1)
        for i in 0..<p {
            for j in 0...i {
                cov[i * p + j] /= denominator
                cov[j * p + i] = cov[i * p + j]
            }
        }
        let (values, vectors) = SymmetricEigen.decompose(cov, n: p)
        let total = values.reduce(0) { $0 + max($1, 0) }
        var comps = [[Double]]()
        for k in 0..<componentCount {
            var axis = vectors[k]
            var largest = 0
            for j in 1..<p where abs(axis[j]) > abs(axis[largest]) { largest = j }
            if axis[largest] < 0 { axis = axis.map { -$0 } }
            comps.append(axis)
        }
        let variance = values.prefix(componentCount).map { max($0, 0) }
        formatVersion = Self.formatVersion
        self.mean = mean
        components = comps
        explainedVariance = Array(variance)
        explainedVarianceRatio = variance.map { total > 0 ? $0 / total : 0 }
    }

    /// Projects one row onto the components.
    public func transform(_ row: ArraySlice<Double>) -> [Double] {
        precondition(row.count == mean.count, "PCA: row has \(row.count) values, fitted on \(mean.count)")
        var out = [Double](repeating: 0, count: components.count)
        for (k, axis) in components.enumerated() {
            var s = 0.0
            var j = 0
            for v in row {
                s += (v - mean[j]) * axis[j]
                j += 1
            }
            out[k] = s
        }
        return out
    }

    /// Projects every row. Throws when the column count differs from the fitted one.
    public func transform(_ x: Matrix) throws(LearningError) -> Matrix {
        guard x.columns == mean.count else {
            throw .shapeMismatch("PCA fitted on \(mean.count) columns, given \(x.columns)")
        }
        let k = components.count, p = mean.count
        let axes = components.flatMap { $0 }
        var out = [Double](repeating: 0, count: x.rows * k)
        var centred = [Double](repeating: 0, count: p)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<x.rows {
                for j in 0..<p { centred[j] = v[r * p + j] - mean[j] }
                for c in 0..<k {
                    var s = 0.0
                    for j in 0..<p { s += centred[j] * axes[c * p + j] }
                    out[r * k + c] = s
                }
            }
        }
        return Matrix(rows: x.rows, columns: components.count, values: out)
    }
}
