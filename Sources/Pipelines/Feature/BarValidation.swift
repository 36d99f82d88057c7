public import Domain

/// The data-quality verdict on a batch of fetched bars: what may be stored and why the
/// rest was refused.
public struct BarValidation: Sendable, Equatable {
    public struct Rejection: Sendable, Equatable {
        public var time: Timestamp
        public var reason: String
    }

    /// Valid bars, ascending, one per 5-minute bucket.
    public var accepted: [Bar]
    public var rejected: [Rejection]
    public var duplicates: Int
    /// Bars that arrived out of time order (they are sorted, not dropped).
    public var outOfOrder: Int

    /// Validates `bars` as fetched: drops non-positive or non-finite prices, bars off the
    /// 5-minute grid, bars that are not closed by `now`, and duplicates (first kept);
    /// sorts what arrived out of order.
    public init(_ bars: [Bar], now: Timestamp) {
        var rejected: [Rejection] = []
        var outOfOrder = 0
        var previous: Timestamp?
        var kept: [Bar] = []
        kept.reserveCapacity(bars.count)
        for b in bars {
            if let p = previous, b.time < p { outOfOrder += 1 }
            previous = b.time
            let prices = [b.open, b.high, b.low, b.close]
            if !prices.allSatisfy({ $0.isFinite && $0 > 0 }) {
                rejected.append(Rejection(time: b.time, reason: "non-positive or non-finite price"))
            } else if !b.volume.isFinite || b.volume < 0 {
                rejected.append(Rejection(time: b.time, reason: "negative or non-finite volume"))
            } else if b.time.milliseconds % BarGrid.step.value != 0 {
                rejected.append(Rejection(time: b.time, reason: "not on the 5-minute grid"))
            } else if b.closeTime > now {
                rejected.append(Rejection(time: b.time, reason: "bar not closed yet"))
            } else if b.high < max(b.open, b.close) || b.low > min(b.open, b.close) {
                rejected.append(Rejection(time: b.time, reason: "high/low inconsistent with open/close"))
            } else {
                kept.append(b)
            }
        }
        if outOfOrder > 0 { kept.sort { $0.time < $1.time } }
        var unique: [Bar] = []
        unique.reserveCapacity(kept.count)
        var duplicates = 0
        for b in kept {
            if let last = unique.last, last.time == b.time { duplicates += 1; continue }
            unique.append(b)
        }
        self.accepted = unique
        self.rejected = rejected
        self.duplicates = duplicates
        self.outOfOrder = outOfOrder
    }
}

/// Missing 5-minute buckets between stored bars.
public struct BarGap: Sendable, Equatable {
    /// First missing bar open time.
    public var from: Timestamp
    /// Last missing bar open time.
    public var to: Timestamp
    public var missingBars: Int { Int((to.milliseconds - from.milliseconds) / BarGrid.step.value) + 1 }

    /// Gaps in an ascending list of bar open times.
    public static func find(in times: [Timestamp]) -> [BarGap] {
        var gaps: [BarGap] = []
        for (a, b) in zip(times, times.dropFirst()) where b.milliseconds - a.milliseconds > BarGrid.step.value {
            gaps.append(BarGap(from: a + BarGrid.step, to: b - BarGrid.step))
        }
        return gaps
    }
}
