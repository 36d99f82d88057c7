public import Domain

extension FeatureEngine {
    /// Feature rows for every bar, computed from scratch on up to `threads` threads (series under
    /// 8192 bars use one): the same rows, bit for bit, as ``rows(for:)`` and as `resume` over any split.
    ///
    /// A first pass copies the closes and runs the EMA recurrence down the series, keeping only its
    /// value at each chunk boundary; then chunks are computed independently into a small
    /// column-major buffer that stays in cache while its rows are built from it.
    public func rows(for bars: [Bar], threads: Int) -> [FeatureRow] {
        let n = bars.count, chunk = Self.chunkRows
        guard n > 0 else { return [] }
        let workers = n >= Self.parallelThreshold ? max(1, threads) : 1
        let chunks = (n + chunk - 1) / chunk
        let closes = bars.map(\.close), times = bars.map(\.time)
        let seeds = Self.emaSeeds(closes, every: chunk)
        let asset = self.asset, setName = featureSet.name
        return closes.withUnsafeBufferPointer { cb in
            times.withUnsafeBufferPointer { tb in
                [FeatureRow](unsafeUninitializedCapacity: n) { out, count in
                    guard let c = cb.baseAddress, let t = tb.baseAddress, let o = out.baseAddress else { count = 0; return }
                    let shared = SharedRowBuffers(closes: c, times: t, out: o)
                    ParallelWork.run(tasks: chunks, workers: workers, prepare: { _ in ChunkBuffers(rows: chunk) }, body: { task, buffers in
                        let lo = task * chunk, hi = min(lo + chunk, n)
                        let block = ColumnBlock(base: buffers.block, stride: ColumnBlock.paddedStride(rows: chunk))
                        _ = FeatureKernel.emaColumns(closes: shared.closes, rows: lo..<hi, seed: seeds[task], captureAt: -1, out: block)
                        FeatureKernel.windowColumns(closes: shared.closes, count: n, rows: lo..<hi, times: shared.times + lo,
                                                    out: block, scratch: buffers.scratch)
                        FeatureKernel.targetColumns(closes: shared.closes, count: n, rows: lo..<hi, out: block)
                        for i in lo..<hi {
                            (shared.out + i).initialize(to: Self.row(i - lo, of: block, known: i + FeatureSetVersion.v1.horizonBars < n,
                                                                     asset: asset, featureSet: setName,
                                                                     time: shared.times[i], close: shared.closes[i]))
                        }
                    }, finish: { $0.deallocate() })
                    count = n
                }
            }
        }
    }

    /// The EMAs on the row before each chunk of `every` rows (nil for the first chunk: the series start).
    private static func emaSeeds(_ closes: [Double], every chunk: Int) -> [EMAValues?] {
        var seeds: [EMAValues?] = [nil]
        guard let first = closes.first else { return seeds }
        let w = EMAWeights()
        var ema = EMAValues(seed: first)
        for i in 1..<closes.count {
            if i % chunk == 0 { seeds.append(ema) }
            let p = closes[i]
            ema.ema5 = w.a5 * p + w.b5 * ema.ema5
            ema.ema10 = w.a10 * p + w.b10 * ema.ema10
            ema.ema20 = w.a20 * p + w.b20 * ema.ema20
            ema.ema12 = w.a12 * p + w.b12 * ema.ema12
            ema.ema26 = w.a26 * p + w.b26 * ema.ema26
            ema.signal9 = w.a9 * (ema.ema12 - ema.ema26) + w.b9 * ema.signal9
        }
        return seeds
    }

    /// Row `k` of a column block as a `FeatureRow`; `known` says whether its targets are.
    @inline(__always)
    static func row(_ k: Int, of block: ColumnBlock, known: Bool, asset: AssetID, featureSet: String,
                    time: Timestamp, close: Double) -> FeatureRow {
        let width = FeatureColumn.count, stride = block.stride
        let values = [Double](unsafeUninitializedCapacity: width) { row, rowCount in
            for column in 0..<width { row[column] = block.base[column * stride + k] }
            rowCount = width
        }
        var targets: FeatureTargets?
        if known {
            targets = FeatureTargets(futurePrice: block.column(.futurePrice)[k], targetReturn: block.column(.targetReturn)[k],
                                     targetLogReturn: block.column(.targetLogReturn)[k],
                                     targetDirection: Int(block.column(.targetDirection)[k]))
        }
        return FeatureRow(asset: asset, featureSet: featureSet, time: time, close: close, values: values, targets: targets)
    }
}

/// One worker's column block and kernel scratch for a chunk of rows.
private struct ChunkBuffers {
    let block: UnsafeMutablePointer<Double>
    let scratch: KernelScratch

    init(rows: Int) {
        block = .allocate(capacity: ColumnBlock.paddedStride(rows: rows) * ColumnBlock.width)
        scratch = KernelScratch(capacity: rows)
    }

    func deallocate() { block.deallocate(); scratch.deallocate() }
}

/// The buffers of one row build, shared by its tasks, which initialize disjoint rows.
private struct SharedRowBuffers: @unchecked Sendable {
    let closes: UnsafePointer<Double>
    let times: UnsafePointer<Timestamp>
    let out: UnsafeMutablePointer<FeatureRow>
}
