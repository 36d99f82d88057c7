public import Domain

extension FeatureEngine {
    /// Rows per parallel task: 4096 rows × 36 columns (1.2 MB of output) plus the kernel's scratch
    /// stay in one core's 2 MB L2 while the task's passes run over them.
    static let taskRows = 4096
    /// Below this many bars one thread is faster than waking another.
    static let parallelThreshold = 8192

    /// The feature matrix for every bar, computed from scratch: the same numbers as ``rows(for:)``
    /// without building a row object per bar. Targets are NaN where the future is not known.
    /// The bars must be contiguous (check with ``contiguityBreaks(_:after:)``).
    public func matrix(for bars: [Bar]) -> FeatureMatrix {
        var matrix = FeatureMatrix()
        self.matrix(for: bars, into: &matrix)
        return matrix
    }

    /// Threads a long series is computed on when the caller sets no limit: every online core.
    public static var defaultThreads: Int { ParallelWork.availableWorkers }

    /// Computes the feature matrix for `bars` into `matrix`, replacing its contents. When `matrix`
    /// already has `bars.count` rows its storage is reused in place (nothing allocated, no fresh
    /// pages), which is what a caller recomputing a series of the same length wants; otherwise new
    /// storage is allocated. Same numbers, bit for bit, as ``matrix(for:)`` and ``rows(for:)``.
    ///
    /// Long series are computed on all cores: the EMA recurrence runs down the series as one task
    /// while the other features are computed in independent chunks (each needs only the 20 closes
    /// before it), so the result does not depend on the number of threads. `threads` caps them
    /// (1 computes on the calling thread only); series under 8192 bars always use one.
    public func matrix(for bars: [Bar], into matrix: inout FeatureMatrix, threads: Int = FeatureEngine.defaultThreads) {
        let workers = bars.count >= Self.parallelThreshold ? max(1, threads) : 1
        let n = bars.count, width = FeatureMatrix.columnCount
        guard n > 0 else { matrix = FeatureMatrix(); return }
        bars.withUnsafeBufferPointer { source in
            if matrix.rowCount == n && matrix.values.count == n * width {
                matrix.times.withUnsafeMutableBufferPointer { t in
                    matrix.closes.withUnsafeMutableBufferPointer { c in
                        matrix.values.withUnsafeMutableBufferPointer { v in
                            guard let tp = t.baseAddress, let cp = c.baseAddress, let vp = v.baseAddress else { return }
                            Self.fillColumns(source, times: tp, closes: cp, values: vp, workers: workers)
                        }
                    }
                }
                return
            }
            var times: [Timestamp] = [], closes: [Double] = []
            let values = [Double](unsafeUninitializedCapacity: n * width) { v, valueCount in
                closes = [Double](unsafeUninitializedCapacity: n) { c, closeCount in
                    times = [Timestamp](unsafeUninitializedCapacity: n) { t, timeCount in
                        if let tp = t.baseAddress, let cp = c.baseAddress, let vp = v.baseAddress {
                            LargeBuffer.preferHugePages(UnsafeMutableRawPointer(vp), bytes: n * width * MemoryLayout<Double>.stride)
                            Self.fillColumns(source, times: tp, closes: cp, values: vp, workers: workers)
                        }
                        timeCount = n
                    }
                    closeCount = n
                }
                valueCount = n * width
            }
            matrix = FeatureMatrix(times: times, closes: closes, values: values)
        }
    }

    /// Writes every column of a matrix of `bars.count` rows.
    private static func fillColumns(_ bars: UnsafeBufferPointer<Bar>, times: UnsafeMutablePointer<Timestamp>,
                                    closes: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>,
                                    workers: Int) {
        let n = bars.count
        let chunks = (n + taskRows - 1) / taskRows
        let source = SharedPointers(bars: bars, times: times, closes: closes, values: values)
        // First the closes and times, which every chunk then reads around its own rows.
        ParallelWork.run(tasks: chunks, workers: workers, prepare: { _ in () }, body: { task, _ in
            let lo = task * taskRows, hi = min(lo + taskRows, n)
            for i in lo..<hi {
                source.closes[i] = source.bars[i].close
                source.times[i] = source.bars[i].time
            }
        }, finish: { _ in })
        // Task 0 runs the EMA recurrence down the whole series while the other tasks fill chunks.
        ParallelWork.run(tasks: chunks + 1, workers: workers, prepare: { _ in KernelScratch(capacity: taskRows) },
                         body: { task, scratch in
            let c = UnsafePointer(source.closes)
            let block = ColumnBlock(base: source.values, stride: n)
            if task == 0 {
                _ = FeatureKernel.emaColumns(closes: c, rows: 0..<n, seed: nil, captureAt: -1, out: block)
                return
            }
            let lo = (task - 1) * taskRows, hi = min(lo + taskRows, n)
            let out = block.advanced(by: lo)
            FeatureKernel.windowColumns(closes: c, count: n, rows: lo..<hi, times: source.times + lo, out: out,
                                        scratch: scratch)
            FeatureKernel.targetColumns(closes: c, count: n, rows: lo..<hi, out: out)
        }, finish: { $0.deallocate() })
    }
}

/// The buffers of one matrix fill, shared by its tasks, which write disjoint rows.
private struct SharedPointers: @unchecked Sendable {
    let bars: UnsafeBufferPointer<Bar>
    let times: UnsafeMutablePointer<Timestamp>
    let closes: UnsafeMutablePointer<Double>
    let values: UnsafeMutablePointer<Double>
}
