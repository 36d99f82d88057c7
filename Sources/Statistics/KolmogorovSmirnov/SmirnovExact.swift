import Synchronization

/// The exact null distribution of the two-sample KS statistic D (two-sided), by counting lattice
/// paths as scipy does: Hodges' "inside" method with Viehmann's recursion for 1 − p (stable, no huge
/// binomials), and a closed alternating sum when n1 == n2.
enum SmirnovExact {
    struct Outcome: Sendable { var roundedStatistic: Double; var pValue: Double }

    /// Walks already done, by (n1, n2, h). The drift check tests dozens of feature columns of
    /// the same two sizes every five minutes, and D only takes lcm(n1, n2) + 1 values, so the
    /// same walks recur; each costs up to n_max · window cells. A pure function's results, so
    /// sharing them across threads changes nothing but time.
    private struct Walk: Hashable { var n1: Int; var n2: Int; var h: Int }
    private static let walks = Mutex<[Walk: Outcome?]>([:])
    /// Entries kept at most; the memo is emptied when it would grow beyond.
    static let memoCapacity = 16_384

    /// P(D ≥ d) for samples of sizes n1 and n2; nil when the computation leaves [0, 1] or overflows
    /// (scipy then falls back to the asymptotic distribution).
    static func pValue(n1: Int, n2: Int, statistic d: Double) -> Outcome? {
        let g = KolmogorovSmirnov.gcd(n1, n2)
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let rounded = Double(h) / Double(lcm)
        if h == 0 { return Outcome(roundedStatistic: rounded, pValue: 1) }
        let key = Walk(n1: n1, n2: n2, h: h)
        if let known = walks.withLock({ $0[key] }) { return known }
        let p = n1 == n2 ? outsideSquare(n: n1, h: h) : outsideLines(n1, n2, g: g, h: h)
        let outcome = p.isFinite && p >= 0 && p <= 1 ? Outcome(roundedStatistic: rounded, pValue: p) : nil
        walks.withLock { memo in
            if memo.count >= memoCapacity { memo.removeAll(keepingCapacity: true) }
            memo[key] = .some(outcome)
        }
        return outcome
    }

    /// P(D ≥ h/n) for two samples of size n: 2 Σ_k (−1)^(k−1) C(2n, n − k h) / C(2n, n), with each
    /// ratio as a product of h simple factors, nested Horner-style so nothing cancels.
    static func outsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var ratio = 1.0
            for j in 0..<h {
                ratio = Double(n - k * h - j) * ratio / Double(n + k * h + j + 1)
            }
            p = ratio * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// Share of monotone lattice paths from (0, 0) to (m, n) that touch |x/m − y/n| ≥ h/lcm,
    /// computed column by column over a sliding window of y as 1 − (inside share).
    static func outsideLines(_ a: Int, _ b: Int, g: Int, h: Int) -> Double {
        let m = max(a, b), n = min(a, b)
        let mg = m / g, ng = n / g
        func ceilDiv(_ x: Int, _ y: Int) -> Int { x >= 0 ? (x + y - 1) / y : -((-x) / y) }
        func floorDiv(_ x: Int, _ y: Int) -> Int { x >= 0 ? x / y : -((-x + y - 1) / y) }

        var minJ = 0
        var maxJ = min(ceilDiv(h, mg), n + 1)
        var curLen = maxJ - minJ
        let length = min(2 * maxJ + 2, n + 1)
        var column = [Double](repeating: 1, count: max(length, 1))
        for j in minJ..<maxJ { column[j] = 0 }
        // Each cell divides by i + j, on a dependency chain down the column; a table of
        // reciprocals turns the divisions into multiplications (same values to an ulp or two,
        // well inside scipy's agreement) and halves the walk.
        let reciprocal = (0...(m + n)).map { $0 == 0 ? 0 : 1 / Double($0) }
        return column.withUnsafeMutableBufferPointer { column in
            reciprocal.withUnsafeBufferPointer { reciprocal in
                for i in 1...m {
                    let lastMinJ = minJ, lastLen = curLen
                    minJ = min(max(floorDiv(ng * i - h, mg) + 1, 0), n)
                    maxJ = min(ceilDiv(ng * i + h, mg), n + 1)
                    if maxJ <= minJ { return 1 }
                    var value = minJ == 0 ? 0.0 : 1.0
                    let di = Double(i), shift = minJ - lastMinJ
                    for jj in 0..<(maxJ - minJ) {
                        let j = jj + minJ
                        value = (column[jj + shift] * di + value * Double(j)) * reciprocal[i + j]
                        column[jj] = value
                    }
                    curLen = maxJ - minJ
                    if lastLen > curLen {
                        for k in curLen..<min(lastLen, column.count) { column[k] = 1 }
                    }
                }
                return column[maxJ - minJ - 1]
            }
        }
    }
}
