public import Domain

extension FeatureEngine {
    /// Everything needed to continue a series of feature set v1 bar by bar: a few dozen numbers.
    ///
    /// It keeps the last `lookback + horizon` (26) closes, the EMAs on the row before the last
    /// `horizon` (6) rows, the bar count and the last open time. The last 6 rows are the ones whose
    /// targets are still unknown; keeping the EMAs from just before them lets ``FeatureEngine/resume(_:with:)``
    /// recompute those rows bit for bit and hand them back with their targets once the future arrives.
    /// All stored numbers are finite for finite closes, so the state encodes to plain JSON.
    public struct State: Sendable, Hashable, Codable {
        /// Bars seen since the series started.
        public private(set) var barCount: Int
        /// Open time of the last bar seen; nil before the first.
        public private(set) var lastBarTime: Timestamp?
        /// The last `min(barCount, retainedCloses)` closes, oldest first.
        var closes: [Double]
        /// EMAs on row `barCount - pendingCount - 1`; nil when that row would be before the series start.
        var emaBeforePending: EMAValues?

        /// The state of a series with no bars yet.
        public static let empty = State(barCount: 0, lastBarTime: nil, closes: [], emaBeforePending: nil)

        /// Closes a state keeps: the longest lookback plus the rows still waiting for targets.
        static let retainedCloses = FeatureKernel.lookback + FeatureSetVersion.v1.horizonBars

        /// Rows at the end of the series whose targets are not known yet.
        var pendingCount: Int { min(barCount, FeatureSetVersion.v1.horizonBars) }

        /// Checks that a (possibly decoded) state is one the engine could have produced.
        func validate() throws(FeatureEngineError) {
            guard barCount >= 0 else { throw .invalidState("negative bar count \(barCount)") }
            guard closes.count == min(barCount, State.retainedCloses) else {
                throw .invalidState("\(closes.count) closes kept for \(barCount) bars")
            }
            guard (lastBarTime == nil) == (barCount == 0) else {
                throw .invalidState("last bar time \(lastBarTime.map(\.description) ?? "nil") for \(barCount) bars")
            }
            guard (emaBeforePending == nil) == (barCount == pendingCount) else {
                throw .invalidState("EMA seed presence does not match \(barCount) bars")
            }
            guard closes.allSatisfy(\.isFinite) else { throw .invalidState("non-finite close") }
        }
    }
}

/// What ``FeatureEngine/resume(_:with:)`` produced.
public struct FeatureUpdate: Sendable, Hashable {
    /// Earlier rows (at most the horizon's 6) whose targets became known with these bars, ascending;
    /// their feature values are identical to when they were first returned, so a pipeline upserts them.
    public var completedRows: [FeatureRow]
    /// One row per new bar, ascending; the last 6 of the series have `targets == nil`.
    public var newRows: [FeatureRow]
    /// The state to resume from next time.
    public var state: FeatureEngine.State

    public init(completedRows: [FeatureRow], newRows: [FeatureRow], state: FeatureEngine.State) {
        self.completedRows = completedRows; self.newRows = newRows; self.state = state
    }

    /// `completedRows` then `newRows`: every row to upsert, ascending by time.
    public var rows: [FeatureRow] { completedRows + newRows }
}
