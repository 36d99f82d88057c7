public import Domain
import Synchronization

/// Stored history played back on a ``ReplayClock``, as a ``MarketSource``.
///
/// The one rule: it never hands out a bar whose close lies after the clock's now, so
/// everything downstream sees exactly what it would have seen live (no look-ahead).
///
/// ```swift
/// let data = try ReplayDataSet.bundled()
/// let replay = ReplaySource(data: data, clock: ReplayClock(start: data.defaultStart, speed: 60))
/// ```
public final class ReplaySource: MarketSource {
    public let name = "replay"
    public let historyLimit: Milliseconds? = nil
    public let data: ReplayDataSet
    public let clock: ReplayClock
    private let calls = Atomic<Int>(0)

    public init(data: ReplayDataSet, clock: ReplayClock) {
        self.data = data; self.clock = clock
    }

    /// A replay starting at `start` (default: 7 days into the data) at `speed`× real time.
    public convenience init(data: ReplayDataSet, speed: Double = 1, start: Timestamp? = nil) {
        self.init(data: data, clock: ReplayClock(start: start ?? data.defaultStart, speed: speed))
    }

    public var assets: [AssetID] { data.assets }

    /// The first bar's open and the last bar's close for `asset`.
    public func range(of asset: AssetID) -> ClosedRange<Timestamp>? { data.range(of: asset) }

    public var status: MarketSourceStatus {
        MarketSourceStatus(name: name, callsMade: calls.load(ordering: .relaxed), virtualNow: clock.now(),
                           speed: clock.isManual ? 0 : clock.speed)
    }

    public func bars(of asset: AssetID, since: Timestamp) async throws -> [Bar] {
        calls.add(1, ordering: .relaxed)
        guard let bars = data.series[asset] else { throw MarketSourceError.unknownAsset(asset) }
        let end = closedCount(bars, now: clock.now())
        let start = Self.firstIndex(bars, atOrAfter: since)
        return start < end ? Array(bars[start..<end]) : []
    }

    /// The last closed bar's close, with the change from the bar that closed 24 h earlier
    /// (or the latest one up to an hour before that, across a gap); nil change when there is none.
    public func latestPrice(of asset: AssetID) async throws -> PriceQuote {
        calls.add(1, ordering: .relaxed)
        guard let bars = data.series[asset] else { throw MarketSourceError.unknownAsset(asset) }
        let now = clock.now()
        let end = closedCount(bars, now: now)
        guard end > 0 else { throw MarketSourceError.outOfRange("no \(asset) bar has closed by \(now)") }
        let last = bars[end - 1]
        let dayBefore = last.closeTime - .hours(24)
        // Bars up to index `k` have closeTime ≤ dayBefore.
        let k = Self.firstIndex(bars, atOrAfter: dayBefore - BarGrid.step + Milliseconds(1))
        // Across a gap longer than an hour the "24 h" change would span much more: say nothing.
        let change = k > 0 && bars[k - 1].closeTime >= dayBefore - .hours(1) ? last.close / bars[k - 1].close - 1 : nil
        return PriceQuote(asset: asset, price: last.close, change24h: change, time: last.closeTime)
    }

    /// How many leading bars have closed by `now`.
    private func closedCount(_ bars: [Bar], now: Timestamp) -> Int {
        // closeTime ≤ now  ⇔  time ≤ now − step  ⇔  time < now − step + 1 ms
        Self.firstIndex(bars, atOrAfter: now - BarGrid.step + Milliseconds(1))
    }

    /// The index of the first bar whose open time is at or after `t` (binary search).
    private static func firstIndex(_ bars: [Bar], atOrAfter t: Timestamp) -> Int {
        var low = 0, high = bars.count
        while low < high {
            let mid = (low + high) / 2
            if bars[mid].time < t { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
