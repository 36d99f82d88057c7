/// Compares one computed column with its golden column under a tolerance, keeping the worst error.
struct ColumnComparison: CustomStringConvertible {
    let name: String
    let bound: Tolerances.Bound
    private(set) var worstAbsolute = 0.0
    private(set) var worstRelative = 0.0
    private(set) var failures = 0
    private(set) var nanMismatches = 0
    private(set) var firstFailure: (row: Int, actual: Double, golden: Double)?
    private(set) var compared = 0

    init(name: String, bound: Tolerances.Bound) { self.name = name; self.bound = bound }

    mutating func check(row: Int, actual: Double, golden: Double) {
        compared += 1
        if golden.isNaN || actual.isNaN {
            if golden.isNaN != actual.isNaN {
                nanMismatches += 1
                if firstFailure == nil { firstFailure = (row, actual, golden) }
            }
            return
        }
        let diff = abs(actual - golden)
        worstAbsolute = max(worstAbsolute, diff)
        if golden != 0 { worstRelative = max(worstRelative, diff / abs(golden)) }
        if !(diff <= max(bound.rtol * abs(golden), bound.atol)) {
            failures += 1
            if firstFailure == nil { firstFailure = (row, actual, golden) }
        }
    }

    var passed: Bool { failures == 0 && nanMismatches == 0 && compared > 0 }

    var description: String {
        var s = "\(name): worst abs \(worstAbsolute), worst rel \(worstRelative), fails \(failures), NaN mismatches \(nanMismatches)"
        if let f = firstFailure { s += " (first at row \(f.row): \(f.actual) vs \(f.golden))" }
        return s
    }
}
