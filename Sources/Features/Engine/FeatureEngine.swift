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

    /// Rows computed per kernel call: 2048 × 32 doubles (512 KiB) stay in cache across its passes.
    static let chunkRows = 2048

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
        let values = LargeBuffer.doubles(count: n * width) { out in
            closes.withUnsafeBufferPointer { c in
                times.withUnsafeBufferPointer { t in
                    guard let tp = t.baseAddress else { return }
                    // A chunk at a time, so the kernel's passes over a chunk stay in cache.
                    var seed: EMAValues?
                    for lo in stride(from: 0, to: n, by: Self.chunkRows) {
                        let hi = min(lo + Self.chunkRows, n)
                        seed = FeatureKernel.run(closes: c, rows: lo..<hi, times: tp + lo, seed: seed, captureAt: -1,
                                                 out: out + lo * width).last
                    }
                }
            }
        }
        let targets = Self.targetColumns(closes)
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
        let chunk = min(n - outputStart, Self.chunkRows)
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

    /// The four target columns of a whole series, NaN where the future is not known.
    static func targetColumns(_ closes: [Double]) -> FeatureMatrix.Targets {
        let n = closes.count, h = FeatureSetVersion.v1.horizonBars
        func column(_ value: (Double, Double) -> Double) -> [Double] {
            LargeBuffer.doubles(count: n) { out in
                for i in 0..<n { out[i] = i + h < n ? value(closes[i], closes[i + h]) : .nan }
            }
        }
        return FeatureMatrix.Targets(futurePrice: column { _, f in f },
                                     targetReturn: column { p, f in f / p - 1 },
                                     targetLogReturn: column { p, f in log(f / p) },
                                     targetDirection: column { p, f in f > p ? 1 : 0 })
    }

    /// The horizon targets of a row: pandas' `future / p - 1`, `ln(future / p)`, and `future > p`.
    static func targets(price: Double, future: Double) -> FeatureTargets {
        FeatureTargets(futurePrice: future, targetReturn: future / price - 1,
                       targetLogReturn: log(future / price), targetDirection: future > price ? 1 : 0)
    }
}
