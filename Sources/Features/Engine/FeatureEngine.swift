public import Domain
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Computes feature set v1 (pandas' definitions; see the fixtures' README) from ascending,
/// contiguous 5-minute bars of one asset, from scratch or incrementally.
///
/// Invariant: for any split of a contiguous series, `resume` over the second part (from the state
/// after the first) returns the same rows, bit for bit, as `rows(for:)` over the whole series.
/// Windows count bars, so callers pass contiguous bars; ``contiguityBreaks(_:after:)`` finds breaks
/// and `resume` refuses input that has any.
///
/// ```swift
/// let engine = FeatureEngine(asset: "bitcoin")
/// var update = try engine.resume(.empty, with: firstBars)
/// update = try engine.resume(update.state, with: laterBars)   // upsert update.rows
/// ```
public struct FeatureEngine: Sendable {
    public let asset: AssetID
    /// Always feature set v1: the only set this engine knows.
    public var featureSet: FeatureSetVersion { .v1 }

    public init(asset: AssetID) { self.asset = asset }

    /// Feature rows for every bar, computed from scratch. The last 6 rows have no targets.
    /// The bars must be contiguous (check with ``contiguityBreaks(_:after:)``).
    public func rows(for bars: [Bar]) -> [FeatureRow] {
        compute(state: .empty, bars: bars).newRows
    }

    /// The feature matrix for every bar, computed from scratch: the same numbers as ``rows(for:)``
    /// without building a row object per bar. Targets are NaN where the future is not known.
    public func matrix(for bars: [Bar]) -> FeatureMatrix {
        let n = bars.count
        let width = FeatureKernel.columns
        let closes = bars.map(\.close)
        let times = bars.map(\.time.milliseconds)
        let values = [Double](unsafeUninitializedCapacity: n * width) { buffer, count in
            if let out = buffer.baseAddress {
                closes.withUnsafeBufferPointer { c in
                    times.withUnsafeBufferPointer { t in
                        if let tp = t.baseAddress {
                            _ = FeatureKernel.run(closes: c, rows: 0..<n, times: tp, seed: nil, captureAt: -1, out: out)
                        }
                    }
                }
            }
            count = n * width
        }
        let h = featureSet.horizonBars
        var targets = FeatureMatrix.Targets(count: n)
        for i in 0..<max(n - h, 0) {
            let t = Self.targets(price: closes[i], future: closes[i + h])
            targets.futurePrice[i] = t.futurePrice
            targets.targetReturn[i] = t.targetReturn
            targets.targetLogReturn[i] = t.targetLogReturn
            targets.targetDirection[i] = Double(t.targetDirection)
        }
        return FeatureMatrix(times: bars.map(\.time), closes: closes, values: values, targets: targets)
    }

    /// Continues a series: rows for `bars` (which must follow `state.lastBarTime` bar by bar),
    /// plus the earlier rows whose targets these bars made known.
    public func resume(_ state: State, with bars: [Bar]) throws(FeatureEngineError) -> FeatureUpdate {
        try state.validate()
        let breaks = Self.contiguityBreaks(bars, after: state.lastBarTime)
        guard breaks.isEmpty else { throw .notContiguous(breaks) }
        guard bars.allSatisfy({ $0.close.isFinite }) else {
            throw .invalidState("a new bar has a non-finite close")
        }
        return compute(state: state, bars: bars)
    }

    /// Every place where `bars` leave the 5-minute grid, also between `last` (the open time of the
    /// bar before them, if any) and the first bar. Empty for a contiguous series.
    public static func contiguityBreaks(_ bars: [Bar], after last: Timestamp? = nil) -> [ContiguityBreak] {
        var breaks: [ContiguityBreak] = []
        var previous = last
        for (index, bar) in bars.enumerated() {
            if let previous, let b = ContiguityBreak.between(previous, bar.time, index: index) { breaks.append(b) }
            previous = bar.time
        }
        return breaks
    }

    private func compute(state: State, bars: [Bar]) -> FeatureUpdate {
        guard !bars.isEmpty else { return FeatureUpdate(completedRows: [], newRows: [], state: state) }
        let horizon = featureSet.horizonBars
        let step = BarGrid.step.value
        let pending = state.pendingCount
        let prefixCount = state.closes.count
        let outputStart = prefixCount - pending
        let firstGlobal = state.barCount - prefixCount

        var closes = state.closes
        closes.reserveCapacity(prefixCount + bars.count)
        for bar in bars { closes.append(bar.close) }
        var times: [Int64] = []
        times.reserveCapacity(pending + bars.count)
        if let last = state.lastBarTime {
            for k in stride(from: pending - 1, through: 0, by: -1) { times.append(last.milliseconds - Int64(k) * step) }
        }
        for bar in bars { times.append(bar.time.milliseconds) }

        let n = closes.count
        let newCount = state.barCount + bars.count
        let newPending = min(newCount, horizon)
        let captureAt = newCount - newPending - 1 - firstGlobal
        let width = FeatureKernel.columns

        var completed: [FeatureRow] = []
        var fresh: [FeatureRow] = []
        fresh.reserveCapacity(bars.count)
        let setName = featureSet.name
        // Rows are computed a chunk at a time into a buffer that stays in cache, then copied out.
        let chunk = min(n - outputStart, 2048)
        let out = UnsafeMutablePointer<Double>.allocate(capacity: chunk * width)
        defer { out.deallocate() }
        var seed = state.emaBeforePending
        var captured: EMAValues?
        var lo = outputStart
        closes.withUnsafeBufferPointer { c in
            times.withUnsafeBufferPointer { t in
                guard let tp = t.baseAddress else { return }
                while lo < n {
                    let hi = min(lo + chunk, n)
                    let outcome = FeatureKernel.run(closes: c, rows: lo..<hi, times: tp + (lo - outputStart), seed: seed,
                                                    captureAt: captureAt, out: out)
                    seed = outcome.last
                    if let e = outcome.captured { captured = e }
                    for i in lo..<hi {
                        let isPending = i < prefixCount
                        let targets = i + horizon < n ? Self.targets(price: c[i], future: c[i + horizon]) : nil
                        if isPending && targets == nil { continue }
                        let row = FeatureRow(asset: asset, featureSet: setName,
                                             time: Timestamp(milliseconds: t[i - outputStart]), close: c[i],
                                             values: Array(UnsafeBufferPointer(start: out + (i - lo) * width, count: width)),
                                             targets: targets)
                        if isPending { completed.append(row) } else { fresh.append(row) }
                    }
                    lo = hi
                }
            }
        }

        let kept = min(newCount, State.retainedCloses)
        let next = State(barCount: newCount, lastBarTime: bars[bars.count - 1].time,
                         closes: Array(closes[(n - kept)...]), emaBeforePending: captured)
        return FeatureUpdate(completedRows: completed, newRows: fresh, state: next)
    }

    /// The horizon targets of a row: pandas' `future / p - 1`, `ln(future / p)`, and `future > p`.
    static func targets(price: Double, future: Double) -> FeatureTargets {
        FeatureTargets(futurePrice: future, targetReturn: future / price - 1,
                       targetLogReturn: log(future / price), targetDirection: future > price ? 1 : 0)
    }
}
