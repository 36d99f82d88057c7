public import Domain

/// The four horizon targets of feature set v1, by position after the 32 feature columns of a
/// ``FeatureMatrix``.
public enum TargetColumn: Int, CaseIterable, Sendable {
    case futurePrice, targetReturn, targetLogReturn, targetDirection

    /// Number of target columns.
    public static let count = 4

    /// The column's name as pandas names it.
    public var name: String {
        switch self {
        case .futurePrice: "future_price"
        case .targetReturn: "target_return"
        case .targetLogReturn: "target_log_return"
        case .targetDirection: "target_direction"
        }
    }
}

/// Feature set v1 for a whole series as one column-major block of doubles: what training and bulk
/// checks want, without a `FeatureRow` (and its array) per bar.
///
/// Invariant: `times.count == closes.count == rowCount` and
/// `values.count == rowCount * (FeatureColumn.count + TargetColumn.count)`. `values` holds the 32
/// feature columns in `FeatureSetVersion.v1.columns` order, then the 4 target columns, each as
/// `rowCount` consecutive doubles; NaN where a value is undefined (warm-up rows, and the targets of
/// the last 6 rows, whose future is not known; `targetDirection` is 0/1 otherwise).
///
/// A matrix can be refilled with ``FeatureEngine/matrix(for:into:)``, which reuses its storage when
/// the row count is unchanged: no allocation and no fresh pages for the operating system to zero.
public struct FeatureMatrix: Sendable, Hashable {
    public internal(set) var times: [Timestamp]
    public internal(set) var closes: [Double]
    public internal(set) var values: [Double]

    /// Feature columns plus target columns.
    public static let columnCount = FeatureColumn.count + TargetColumn.count

    /// A matrix with no rows, ready to be filled.
    public init() { times = []; closes = []; values = [] }

    init(times: [Timestamp], closes: [Double], values: [Double]) {
        precondition(times.count == closes.count && values.count == times.count * Self.columnCount)
        self.times = times; self.closes = closes; self.values = values
    }

    public var rowCount: Int { times.count }

    /// The value of `column` on row `row`.
    public subscript(row: Int, column: FeatureColumn) -> Double {
        values[column.rawValue * rowCount + row]
    }

    /// The value of target `target` on row `row` (NaN when unknown).
    public subscript(row: Int, target: TargetColumn) -> Double {
        values[(FeatureColumn.count + target.rawValue) * rowCount + row]
    }

    /// One feature column, every row, without copying.
    public func column(_ column: FeatureColumn) -> ArraySlice<Double> {
        let start = column.rawValue * rowCount
        return values[start..<(start + rowCount)]
    }

    /// One target column, every row, without copying.
    public func column(_ target: TargetColumn) -> ArraySlice<Double> {
        let start = (FeatureColumn.count + target.rawValue) * rowCount
        return values[start..<(start + rowCount)]
    }
}
