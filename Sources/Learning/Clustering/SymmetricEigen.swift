/// Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi method.
///
/// Jacobi is slower than tridiagonal QR for big matrices but needs no pivoting decisions,
/// is accurate to working precision for every eigenvalue, and is plenty fast for the
/// 32×32 covariance matrices PCA sees here.
enum SymmetricEigen {
    /// Returns the eigenvalues in descending order and, for each, its unit eigenvector.
    /// `a` is n×n row-major and must be symmetric.
    static func decompose(_ a: [Double], n: Int) -> (values: [Double], vectors: [[Double]]) {
        precondition(a.count == n * n, "SymmetricEigen: shape")
        var m = a
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        var scale = 0.0
        for x in m { scale += x * x }
        let tolerance = scale * 1e-30
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += m[i * n + j] * m[i * n + j] } }
            if off <= tolerance { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    let apq = m[p * n + q]
                    if apq == 0 { continue }
                    let app = m[p * n + p], aqq = m[q * n + q]
                    // Rotation angle that zeroes m[p][q] (Golub & Van Loan, sym.schur2).
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let mkp = m[k * n + p], mkq = m[k * n + q]
                        m[k * n + p] = c * mkp - s * mkq
                        m[k * n + q] = s * mkp + c * mkq
                    }
                    for k in 0..<n {
                        let mpk = m[p * n + k], mqk = m[q * n + k]
                        m[p * n + k] = c * mpk - s * mqk
                        m[q * n + k] = s * mpk + c * mqk
                    }
                    m[p * n + q] = 0
                    m[q * n + p] = 0
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { m[$0 * n + $0] > m[$1 * n + $1] || (m[$0 * n + $0] == m[$1 * n + $1] && $0 < $1) }
        let values = order.map { m[$0 * n + $0] }
        let vectors = order.map { col in (0..<n).map { v[$0 * n + col] } }
        return (values, vectors)
    }
}
