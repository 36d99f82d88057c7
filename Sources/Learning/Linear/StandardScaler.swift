/// Per-column standardisation fitted on training rows: `(x − mean) / scale`.
///
/// `scale` is the population standard deviation (ddof 0), or 1 where a column is constant,
/// as scikit-learn's `StandardScaler` does, so a constant column maps to 0 instead of NaN.
/// Invariant: `mean.count == scale.count == std.count` = the number of columns it was fitted on.
public struct StandardScaler: Sendable, Hashable, Codable {
    public static let formatVersion = 1
    public let formatVersion: Int
    public let mean: [Double]
    /// Population standard deviation of each column on the fitting rows (may be 0).
    public let std: [Double]
    /// The divisor actually used: `std`, or 1 where `std` is 0.
    public let scale: [Double]

    public var columns: Int { mean.count }

    public init(mean: [Double], std: [Double]) {
        precondition(mean.count == std.count, "StandardScaler: mean and std differ in length")
        formatVersion = Self.formatVersion
        self.mean = mean
        self.std = std
        scale = std.map { $0 == 0 ? 1 : $0 }
    }

    /// Fits on every row of `x`. Throws on an empty matrix or non-finite values.
    public init(fitting x: Matrix) throws(LearningError) {
        guard x.rows > 0 else { throw .emptyTrainingSet }
        let n = x.rows, c = x.columns
        var sum = [Double](repeating: 0, count: c)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * c
                for j in 0..<c { sum[j] += v[base + j] }
            }
        }
        let mean = sum.map { $0 / Double(n) }
        var squares = [Double](repeating: 0, count: c)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * c
                for j in 0..<c {
                    let d = v[base + j] - mean[j]
                    squares[j] += d * d
                }
            }
        }
        let std = squares.map { ($0 / Double(n)).squareRoot() }
        for j in 0..<c where !mean[j].isFinite || !std[j].isFinite {
            throw .nonFiniteInput("column \(j) has non-finite values")
        }
        self.init(mean: mean, std: std)
    }

    /// Standardises one row; `row.count` must equal `columns`.
    public func transform(_ row: ArraySlice<Double>) -> [Double] {
        precondition(row.count == columns, "StandardScaler: row has \(row.count) values, fitted on \(columns)")
        var out = [Double](repeating: 0, count: columns)
        var j = 0
        for v in row {
            out[j] = (v - mean[j]) / scale[j]
            j += 1
        }
        return out
    }

    public func transform(_ row: [Double]) -> [Double] { transform(row[...]) }

    /// Standardises every row. Throws when the column count differs from the fitted one.
    public func transform(_ x: Matrix) throws(LearningError) -> Matrix {
        guard x.columns == columns else {
            throw .shapeMismatch("scaler fitted on \(columns) columns, given \(x.columns)")
        }
        var out = x.values
        let c = columns
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<x.rows {
                let base = r * c
                for j in 0..<c { o[base + j] = (o[base + j] - mean[j]) / scale[j] }
            }
        }
        return Matrix(rows: x.rows, columns: c, values: out)
    }
}
