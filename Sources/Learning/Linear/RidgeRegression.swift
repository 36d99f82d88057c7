/// Ridge regression fitted in closed form: `(XcᵀXc + αI) β = Xcᵀ(y − ȳ)`, intercept = ȳ − x̄ᵀβ.
///
/// X and y are centred on the training rows so the intercept is not penalised (as
/// scikit-learn's `Ridge(fit_intercept=True)` with the Cholesky solver). Fit it on the
/// representation it will be applied to — in Sentinel, standardised features — and feed it
/// that same representation at prediction time.
///
/// Explanations are exact linear SHAP values: φᵢ = βᵢ (xᵢ − x̄ᵢ), with `expectedValue` the
/// mean training prediction (= intercept + βᵀx̄), so `expectedValue + Σφ == predict(x)`.
/// Invariant: `coefficients.count == featureMean.count == featureStd.count`.
public struct RidgeRegression: Explainable, Hashable, Codable {
    public static let formatVersion = 1
    public let formatVersion: Int
    public let alpha: Double
    public let coefficients: [Double]
    public let intercept: Double
    /// Column means of the training rows (E[xᵢ] for SHAP).
    public let featureMean: [Double]
    /// Population standard deviation of each training column (for importance).
    public let featureStd: [Double]

    /// Fits on `x` (rows × features) and targets `y`. Throws on shape errors, an empty set,
    /// a non-positive or non-finite alpha, non-finite input, or a numerically singular system.
    public init(fitting x: Matrix, targets y: [Double], alpha: Double = 1.0) throws(LearningError) {
        guard x.rows > 0 else { throw .emptyTrainingSet }
        guard y.count == x.rows else { throw .shapeMismatch("\(x.rows) rows but \(y.count) targets") }
        guard alpha > 0, alpha.isFinite else { throw .invalidHyperparameter("alpha must be > 0, got \(alpha)") }
        let n = x.rows, p = x.columns
        let mean = Self.columnMeans(x)
        let yMean = y.reduce(0, +) / Double(n)
        guard yMean.isFinite, mean.allSatisfy(\.isFinite) else { throw .nonFiniteInput("ridge training data") }

        // Gram matrix of the centred rows and the centred cross-product, accumulated row by row.
        var gram = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        var variance = [Double](repeating: 0, count: p)
        var centred = [Double](repeating: 0, count: p)
        x.values.withUnsafeBufferPointer { v in
            gram.withUnsafeMutableBufferPointer { g in
                for r in 0..<n {
                    let base = r * p
                    for j in 0..<p { centred[j] = v[base + j] - mean[j] }
                    let yc = y[r] - yMean
                    for i in 0..<p {
                        let ci = centred[i]
                        xty[i] += ci * yc
                        let row = i * p
                        for j in 0...i { g[row + j] += ci * centred[j] }
                    }
                }
            }
        }
        for i in 0..<p {
            variance[i] = gram[i * p + i] / Double(n)
            gram[i * p + i] += alpha
        }
        let beta = try CholeskySolver.solve(gram, xty, n: p)
        var dot = 0.0
        for j in 0..<p { dot += mean[j] * beta[j] }
        formatVersion = Self.formatVersion
        self.alpha = alpha
        coefficients = beta
        intercept = yMean - dot
        featureMean = mean
        featureStd = variance.map { $0.squareRoot() }
    }

    public func predict(_ x: ArraySlice<Double>) -> Double {
        precondition(x.count == coefficients.count, "RidgeRegression: \(x.count) features, fitted on \(coefficients.count)")
        var s = intercept
        var j = 0
        for v in x {
            s += coefficients[j] * v
            j += 1
        }
        return s
    }

    /// Mean training prediction, intercept + βᵀx̄ (mathematically ȳ).
    public var expectedValue: Double {
        var s = intercept
        for j in coefficients.indices { s += coefficients[j] * featureMean[j] }
        return s
    }

    public func contributions(_ x: ArraySlice<Double>) -> [Double] {
        precondition(x.count == coefficients.count, "RidgeRegression: \(x.count) features, fitted on \(coefficients.count)")
        var out = [Double](repeating: 0, count: coefficients.count)
        var j = 0
        for v in x {
            out[j] = coefficients[j] * (v - featureMean[j])
            j += 1
        }
        return out
    }

    /// |βᵢ| × stdᵢ, normalised to sum to 1 (all zeros when every coefficient is 0).
    public var featureImportance: [Double] {
        let raw = zip(coefficients, featureStd).map { abs($0) * $1 }
        let total = raw.reduce(0, +)
        return total > 0 ? raw.map { $0 / total } : raw
    }

    static func columnMeans(_ x: Matrix) -> [Double] {
        var sum = [Double](repeating: 0, count: x.columns)
        let c = x.columns
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<x.rows {
                let base = r * c
                for j in 0..<c { sum[j] += v[base + j] }
            }
        }
        return sum.map { $0 / Double(x.rows) }
    }
}
