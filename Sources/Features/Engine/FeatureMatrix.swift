public import Domain

/// Feature set v1 for a whole series as one row-major block of doubles: what training and
/// bulk checks want, without a `FeatureRow` (and its array) per bar.
///
/// Invariant: `values.count == times.count * FeatureColumn.count`; row `i` is the features of the bar
/// at `times[i]`, in `FeatureSetVersion.v1.columns` order, NaN where undefined.
public struct FeatureMatrix: Sendable, Hashable {
    public var times: [Timestamp]
    public var closes: [Double]
    public var values: [Double]
    /// Horizon targets per row, NaN where the future price is not known (the last 6 rows).
    public var targets: Targets

    /// The four targets as columns (`targetDirection` as 0/1, NaN when unknown).
    public struct Targets: Sendable, Hashable {
        public var futurePrice: [Double]
        public var targetReturn: [Double]
        public var targetLogReturn: [Double]
        public var targetDirection: [Double]

        init(futurePrice: [Double], targetReturn: [Double], targetLogReturn: [Double], targetDirection: [Double]) {
            self.futurePrice = futurePrice; self.targetReturn = targetReturn
            self.targetLogReturn = targetLogReturn; self.targetDirection = targetDirection
        }
    }

    init(times: [Timestamp], closes: [Double], values: [Double], targets: Targets) {
        precondition(times.count == closes.count && values.count == times.count * FeatureColumn.count)
        self.times = times; self.closes = closes; self.values = values; self.targets = targets
    }

    public var rowCount: Int { times.count }

    /// The value of `column` on row `row`.
    public subscript(row: Int, column: FeatureColumn) -> Double {
        values[row * FeatureColumn.count + column.rawValue]
    }
}
