/// A dense row-major matrix of doubles: the one representation every learner takes.
///
/// Invariant: `values.count == rows * columns`. Value type; copying is cheap until written.
public struct Matrix: Sendable, Hashable, Codable {
    public private(set) var rows: Int
    public let columns: Int
    public private(set) var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "Matrix: \(values.count) values for \(rows)×\(columns)")
        self.rows = rows; self.columns = columns; self.values = values
    }

    public init(rows: Int, columns: Int, repeating v: Double = 0) {
        self.init(rows: rows, columns: columns, values: [Double](repeating: v, count: rows * columns))
    }

    /// Builds from rows of equal length; nil when they are ragged.
    public init?(rowArrays: [[Double]]) {
        let c = rowArrays.first?.count ?? 0
        guard rowArrays.allSatisfy({ $0.count == c }) else { return nil }
        self.init(rows: rowArrays.count, columns: c, values: rowArrays.flatMap { $0 })
    }

    public subscript(r: Int, c: Int) -> Double {
        get { values[r * columns + c] }
        set { values[r * columns + c] = newValue }
    }

    public func row(_ r: Int) -> ArraySlice<Double> { values[(r * columns)..<((r + 1) * columns)] }

    public func column(_ c: Int) -> [Double] { (0..<rows).map { values[$0 * columns + c] } }

    /// The rows at the given indices, in that order.
    public func selecting(rows indices: some Collection<Int>) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: row(r)) }
        return Matrix(rows: indices.count, columns: columns, values: out)
    }
}
