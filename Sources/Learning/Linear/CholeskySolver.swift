/// Solves a symmetric positive-definite system `A x = b` by Cholesky factorisation `A = L Lᵀ`.
///
/// Dense, row-major, Double throughout; meant for the small (features × features) normal
/// equations of ridge regression, where α > 0 keeps the matrix positive definite.
enum CholeskySolver {
    /// `a` is n×n row-major (only the lower triangle is read). Throws `.singular` when a pivot
    /// is not positive (the matrix is not positive definite to working precision).
    static func solve(_ a: [Double], _ b: [Double], n: Int) throws(LearningError) -> [Double] {
        precondition(a.count == n * n && b.count == n, "CholeskySolver: shape")
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { throw .singular("pivot \(i) is \(s)") }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        // Forward substitution L z = b, then back substitution Lᵀ x = z.
        var z = b
        for i in 0..<n {
            var s = z[i]
            for k in 0..<i { s -= l[i * n + k] * z[k] }
            z[i] = s / l[i * n + i]
        }
        var x = z
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}
