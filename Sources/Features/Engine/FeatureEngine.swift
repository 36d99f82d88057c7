public import Domain

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

    /// Rows computed per kernel call on the incremental path.
    static let chunkRows = 2048

    /// Feature rows for every bar, computed from scratch on the calling thread. The last 6 rows
    /// have no targets. The bars must be contiguous (check with ``contiguityBreaks(_:after:)``).
    ///
    /// One thread by default: building a row object per bar is dominated by allocation, which a
    /// second thread speeds up little (wall) at a clear cost in CPU time; bulk consumers want
    /// ``matrix(for:)``, which does use every core.
    public func rows(for bars: [Bar]) -> [FeatureRow] {
        rows(for: bars, threads: 1)
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
        var times: [Timestamp] = []
        times.reserveCapacity(pending + bars.count)
        if let last = state.lastBarTime {
            for k in stride(from: pending - 1, through: 0, by: -1) {
                times.append(Timestamp(milliseconds: last.milliseconds - Int64(k) * step))
            }
        }
        for bar in bars { times.append(bar.time) }

        let n = closes.count
        let newCount = state.barCount + bars.count
        let newPending = min(newCount, horizon)
        let captureAt = newCount - newPending - 1 - firstGlobal
        let width = FeatureColumn.count

        var completed: [FeatureRow] = []
        var fresh: [FeatureRow] = []
        fresh.reserveCapacity(bars.count)
        let setName = featureSet.name
        // Rows are computed a chunk at a time into a column-major buffer that stays in cache, then
        // gathered into rows.
        let chunk = min(n - outputStart, Self.chunkRows)
        let blockStride = ColumnBlock.paddedStride(rows: chunk)
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: blockStride * ColumnBlock.width)
        defer { buffer.deallocate() }
        let scratch = KernelScratch(capacity: chunk)
        defer { scratch.deallocate() }
        let out = ColumnBlock(base: buffer, stride: blockStride)
        var seed = state.emaBeforePending
        var captured: EMAValues?
        var lo = outputStart
        closes.withUnsafeBufferPointer { cb in
            times.withUnsafeBufferPointer { t in
                guard let c = cb.baseAddress, let tp = t.baseAddress else { return }
                while lo < n {
                    let hi = min(lo + chunk, n)
                    let outcome = FeatureKernel.emaColumns(closes: c, rows: lo..<hi, seed: seed, captureAt: captureAt, out: out)
                    seed = outcome.last
                    if let e = outcome.captured { captured = e }
                    FeatureKernel.windowColumns(closes: c, count: n, rows: lo..<hi, times: tp + (lo - outputStart),
                                                out: out, scratch: scratch)
                    for i in lo..<hi {
                        let isPending = i < prefixCount
                        let targets = i + horizon < n ? FeatureKernel.targets(price: c[i], future: c[i + horizon]) : nil
                        if isPending && targets == nil { continue }
                        let k = i - lo
                        let values = [Double](unsafeUninitializedCapacity: width) { row, rowCount in
                            for column in 0..<width { row[column] = buffer[column * blockStride + k] }
                            rowCount = width
                        }
                        let row = FeatureRow(asset: asset, featureSet: setName, time: t[i - outputStart], close: c[i],
                                             values: values, targets: targets)
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
}
