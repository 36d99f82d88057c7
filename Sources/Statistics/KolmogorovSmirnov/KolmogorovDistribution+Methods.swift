#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KolmogorovDistribution {
    /// The exact one-sided tail P(D_n⁺ ≥ x) (scipy `smirnov`), by the Birnbaum–Tingey sum
    /// x Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (x + j/n)^(j−1) (1 − x − j/n)^(n−j); every term is positive, so
    /// summing them in log space keeps full relative precision far into the tail.
    static func smirnovSF(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let nd = Double(n)
        let last = Int((nd * (1 - x)).rounded(.down))
        let logX = log(x)
        // log k! for k ≤ n as running sums: exact enough (≈ n ulp) and no lgamma overload ambiguity.
        var logFactorial = [Double](repeating: 0, count: n + 1)
        if n >= 1 { for k in 1...n { logFactorial[k] = logFactorial[k - 1] + log(Double(k)) } }
        var sum = 0.0
        if last >= 0 {
            for j in 0...last {
                let jd = Double(j)
                let rest = 1 - x - jd / nd
                // (1 − x − j/n)^(n−j) vanishes at the boundary since j < n whenever x > 0.
                if rest <= 0 { continue }
                let logTerm = (logFactorial[n] - logFactorial[j] - logFactorial[n - j]) + (jd - 1) * log(x + jd / nd)
                    + (nd - jd) * log(rest) + logX
                sum += exp(logTerm)
            }
        }
        return min(max(sum, 0), 1)
    }

    /// P(D_n ≤ d) by Durbin's matrix: write n d = k − h (k integer, 0 ≤ h < 1), build the
    /// (2k−1)² matrix H, and read n!/n^n (H^n)_{kk}; powers by squaring with exponent bookkeeping
    /// so nothing overflows (Marsaglia, Tsang & Wang 2003).
    static func durbinCDF(_ n: Int, _ d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * factorial
        }
        v[m - 1] = (1 + pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))) * factorial

        var hMatrix = SquareMatrix(size: m)
        for i in 1..<max(m, 1) {
            for row in (i - 1)..<m { hMatrix[row, i] = w[row - (i - 1)] }
        }
        for row in 0..<m { hMatrix[row, 0] = v[row] }
        for col in 0..<m { hMatrix[m - 1, col] = v[m - 1 - col] }

        let scale = 0x1p128, scaleExponent = 128
        var power = SquareMatrix.identity(m)
        var exponent = 0, hExponent = 0
        var remaining = n
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = power * hMatrix
                exponent += hExponent
            }
            hMatrix = hMatrix * hMatrix
            hExponent *= 2
            if abs(hMatrix[k - 1, k - 1]) > scale {
                hMatrix.scale(by: 1 / scale)
                hExponent += scaleExponent
            }
            remaining /= 2
        }
        var p = power[k - 1, k - 1]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < 1 / scale {
                p *= scale
                exponent -= scaleExponent
            }
        }
        return exponent == 0 ? p : scalbn(p, Int32(clamping: exponent))
    }

    /// The Pelz–Good (1976) expansion of P(D_n ≤ x) to order n^(−3/2), in the Jacobi-theta form that
    /// converges for small z = x √n (Simard & L'Ecuyer 2011, eq. for large n).
    static func pelzGoodCDF(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qLog = -pi2 / 8 / z2
        if qLog < -708 { return 0 }
        var q = exp(qLog)

        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * z4 * z4

        // Horner in q over odd m = 2k − 1: Σ c(m) q^(m²), factoring q^(8k) between steps.
        var terms = (0.0, 0.0, 0.0, 0.0)
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        if maxK >= 1 {
            for k in stride(from: maxK, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
                let qPower = pow(q, Double(8 * k))
                terms.0 = terms.0 * qPower + 1
                terms.1 = terms.1 * qPower + (k1a + k1b * m2)
                terms.2 = terms.2 * qPower + (k2a + k2b * m2 + k2c * m4)
                terms.3 = terms.3 * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6)
            }
        }
        let sqrt2Pi = (2 * Double.pi).squareRoot()
        terms.0 = terms.0 * q * sqrt2Pi / z
        terms.1 = terms.1 * q * sqrt2Pi / (6 * z4)
        terms.2 = terms.2 * q * sqrt2Pi / (72 * z6 * z)
        terms.3 = terms.3 * q * sqrt2Pi / (6480 * z6 * z4)

        // The remaining sums run over all integers k with q' = e^(−π²/(2z²)).
        q = exp(-pi2 / 2 / z2)
        var extra2 = 0.0, extra3 = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxK >= 1 {
            for k in stride(from: maxK, through: 1, by: -1) {
                let kd = Double(k)
                let k2 = kd * kd
                let qk = pow(q, k2)
                extra2 += k2 * qk
                let kPi = Double.pi * kd
                extra3 += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qk
            }
        }
        terms.2 += extra2 * pi2 * sqrt2Pi / (-36 * z3)
        terms.3 += extra3 * pi2 * sqrt2Pi / (216 * z6)
        let rootN = Double(n).squareRoot()
        return terms.0 + terms.1 / rootN + terms.2 / Double(n) + terms.3 / (Double(n) * rootN)
    }
}

/// A small dense row-major matrix for the Durbin recursion.
struct SquareMatrix {
    let size: Int
    var storage: [Double]

    init(size: Int) { self.size = size; storage = [Double](repeating: 0, count: size * size) }

    static func identity(_ size: Int) -> SquareMatrix {
        var m = SquareMatrix(size: size)
        for i in 0..<size { m[i, i] = 1 }
        return m
    }

    subscript(row: Int, col: Int) -> Double {
        get { storage[row * size + col] }
        set { storage[row * size + col] = newValue }
    }

    mutating func scale(by factor: Double) {
        for i in storage.indices { storage[i] *= factor }
    }

    static func * (a: SquareMatrix, b: SquareMatrix) -> SquareMatrix {
        let n = a.size
        var c = SquareMatrix(size: n)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<n {
                        for k in 0..<n {
                            let aik = pa[i * n + k]
                            if aik == 0 { continue }
                            for j in 0..<n { pc[i * n + j] += aik * pb[k * n + j] }
                        }
                    }
                }
            }
        }
        return c
    }
}
