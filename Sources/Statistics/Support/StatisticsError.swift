/// Why a statistic could not be computed from its input.
public enum StatisticsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sample that must hold values is empty; `name` says which.
    case emptySample(String)
    /// A sample holds NaN or an infinity; `name` says which, `index` where.
    case nonFinite(String, index: Int)
    /// Two series that must pair up have different lengths.
    case lengthMismatch(Int, Int)
    /// The input is valid but the statistic is undefined (e.g. zero variance); `reason` says why.
    case degenerate(String)
    /// A parameter outside its domain (e.g. a horizon below 1).
    case invalidParameter(String)
    /// A sample promised sorted ascending is not; `index` is the first value below its predecessor.
    case unsorted(String, index: Int)

    public var description: String {
        switch self {
        case .emptySample(let name): "sample '\(name)' is empty"
        case .nonFinite(let name, let index): "sample '\(name)' has a non-finite value at index \(index)"
        case .lengthMismatch(let a, let b): "series lengths differ: \(a) vs \(b)"
        case .degenerate(let reason): "statistic undefined: \(reason)"
        case .invalidParameter(let reason): "invalid parameter: \(reason)"
        case .unsorted(let name, let index): "sample '\(name)' is not sorted ascending at index \(index)"
        }
    }

    static func checkFinite(_ values: [Double], _ name: String) throws(StatisticsError) {
        guard !values.isEmpty else { throw .emptySample(name) }
        if let i = values.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(name, index: i) }
    }

    static func checkSorted(_ values: [Double], _ name: String) throws(StatisticsError) {
        for i in values.indices.dropFirst() where values[i] < values[i - 1] { throw .unsorted(name, index: i) }
    }
}
