import Domain

/// The arithmetic of feature set v1 over a contiguous run of closes, shared by the matrix, rows and
/// incremental paths so all give the same bits.
///
/// Every windowed value is a pure function of the closes inside its window, combined in a fixed
/// order, and every EMA is the plain recurrence from its seed; so a row needs only the 20 closes
/// before it and the EMAs of the row before, which is what `FeatureEngine.State` keeps. Rows can
/// therefore be computed in any chunking, on any thread, with identical results.
/// Index 0 of `closes` is the start of the series: a lookback before it is "not available" (NaN),
/// which is pandas' `shift`; callers that resume mid-series pass at least `lookback` closes before
/// the first row, so that never happens there.
///
/// Output is column-major (``ColumnBlock``): each feature is written as a run of consecutive
/// doubles, four rows per SIMD store. The divider is the busiest unit, so: divisions by constants
/// are multiplications by reciprocals, one reciprocal of sma_20 serves three features, RSI uses the
/// single-division form 100 − 100·L/(G + L), square roots use ``SquareRoot`` and logarithms
/// ``RatioLogarithm``; 20-bar variances combine per-block sums of squares (see `windowSquares20`).
/// Each changes a value by an ulp or two, far inside the parity tolerances, and is the same on
/// every path.
enum FeatureKernel {
    /// Closes a row looks back at most (volatility: 20 returns need 21 closes).
    static let lookback = 20
    static let annualisation = BarGrid.barsPerYear.squareRoot()
    /// Scratch slots before a run's first row: the lookback plus room for block sums, a multiple of 4.
    static let lead = 32

    /// What an EMA run ends with: the EMAs on its last row (the seed of the next run) and on `captureAt`.
    struct Outcome {
        var last: EMAValues?
        var captured: EMAValues?
    }

    /// EMAs, MACD, its signal and histogram for `rows` (indices into `closes`): the only serial recurrence.
    ///
    /// - Parameters:
    ///   - seed: the EMAs on row `rows.lowerBound - 1`; nil only when `rows.lowerBound == 0` (series start,
    ///     where every EMA is seeded with the first close).
    ///   - captureAt: a row index whose EMAs are reported (the seed when it is `rows.lowerBound - 1`).
    ///   - out: the block whose row 0 is `rows.lowerBound`.
    static func emaColumns(closes c: UnsafePointer<Double>, rows: Range<Int>, seed: EMAValues?, captureAt: Int,
                           out: ColumnBlock) -> Outcome {
        precondition((seed == nil) == (rows.lowerBound == 0))
        var outcome = Outcome(last: seed, captured: captureAt == rows.lowerBound - 1 ? seed : nil)
        guard !rows.isEmpty else { return outcome }
        let w = EMAWeights()
        let (a5, a10, a20, a12, a26, a9) = (w.a5, w.a10, w.a20, w.a12, w.a26, w.a9)
        let (b5, b10, b20, b12, b26, b9) = (w.b5, w.b10, w.b20, w.b12, w.b26, w.b9)
        let macdOut = out.column(.macd), signalOut = out.column(.macdSignal), histOut = out.column(.macdHistogram)
        let e5Out = out.column(.ema5), e10Out = out.column(.ema10), e20Out = out.column(.ema20)
        var ema = seed ?? EMAValues(seed: c[0])
        let first = rows.lowerBound
        for i in rows {
            let p = c[i]
            if i > 0 {
                ema.ema5 = a5 * p + b5 * ema.ema5
                ema.ema10 = a10 * p + b10 * ema.ema10
                ema.ema20 = a20 * p + b20 * ema.ema20
                ema.ema12 = a12 * p + b12 * ema.ema12
                ema.ema26 = a26 * p + b26 * ema.ema26
                ema.signal9 = a9 * (ema.ema12 - ema.ema26) + b9 * ema.signal9
            }
            if i == captureAt { outcome.captured = ema }
            let k = i - first
            let macd = ema.ema12 - ema.ema26
            macdOut[k] = macd
            signalOut[k] = ema.signal9
            histOut[k] = macd - ema.signal9
            e5Out[k] = ema.ema5
            e10Out[k] = ema.ema10
            e20Out[k] = ema.ema20
        }
        outcome.last = ema
        return outcome
    }

    /// Every feature except the EMA family for `rows` (indices into `closes`, which holds `count`
    /// closes), into `out` whose row 0 is `rows.lowerBound`. `times` holds one open time per row.
    static func windowColumns(closes c: UnsafePointer<Double>, count n: Int, rows: Range<Int>,
                              times: UnsafePointer<Timestamp>, out: ColumnBlock, scratch: KernelScratch) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= n && rows.count <= scratch.capacity)
        guard !rows.isEmpty else { return }
        let s = scratch.arrays(rows: rows.count)
        fillInputs(c, rows: rows, s)
        writeWindows(rows: rows, s, out: out)
        writeCopies(rows: rows, s, out: out)
        writeCalendar(count: rows.count, times: times, out: out)
    }

    /// Closes around the run (NaN outside the series), per-close ratios, returns, RSI gains and
    /// losses, and the block sums every window sum is assembled from: 5 closes, 5 returns, 7 gains,
    /// 7 losses ending at each slot. Slot `lead + k` is row `rows.lowerBound + k`.
    private static func fillInputs(_ c: UnsafePointer<Double>, rows: Range<Int>, _ s: KernelScratch.Arrays) {
        let lo = rows.lowerBound, span = s.span, nan = Double.nan
        let firstValid = max(0, lead - lo), end = lead + rows.count
        s.xs.update(repeating: nan, count: firstValid)
        (s.xs + firstValid).update(from: c + (lo - lead + firstValid), count: end - firstValid)
        (s.xs + end).update(repeating: nan, count: span - end)
        for array in [s.ratio, s.rs, s.gains, s.losses, s.close5, s.ret5, s.gain7, s.loss7, s.closeM2, s.retM2] {
            array.update(repeating: nan, count: 8)
        }
        let xs = s.xs
        var j = 8
        while j < span {
            let p = Quad.load(xs + j), q = Quad.load(xs + j - 1)
            let ratio = p / q
            Quad.store(ratio, s.ratio + j, 4)
            Quad.store(ratio - 1, s.rs + j, 4)
            let d = p - q
            let magnitude = d.replacing(with: -d, where: d .< 0)
            Quad.store((magnitude + d) * 0.5, s.gains + j, 4)
            Quad.store((magnitude - d) * 0.5, s.losses + j, 4)
            j += 4
        }
        // pandas: the first delta is NaN and `where` turns its gain and loss into 0.
        let origin = lead - lo
        if origin >= 8 { s.gains[origin] = 0; s.losses[origin] = 0 }
        j = 8
        while j < span {
            let closeSum = blockSum5(xs, j), returnSum = blockSum5(s.rs, j)
            Quad.store(closeSum, s.close5 + j, 4)
            Quad.store(returnSum, s.ret5 + j, 4)
            Quad.store(blockSquares5(xs, j, mean: closeSum * 0.2), s.closeM2 + j, 4)
            Quad.store(blockSquares5(s.rs, j, mean: returnSum * 0.2), s.retM2 + j, 4)
            Quad.store(blockSum7(s.gains, j), s.gain7 + j, 4)
            Quad.store(blockSum7(s.losses, j), s.loss7 + j, 4)
            j += 4
        }
    }

    /// Returns, log returns, momentum, SMAs, Bollinger, RSI and volatility, four rows at a time.
    private static func writeWindows(rows: Range<Int>, _ s: KernelScratch.Arrays, out: ColumnBlock) {
        let xs = s.xs, c5 = s.close5, r5 = s.ret5
        let inv5 = 1.0 / 5, inv10 = 1.0 / 10, inv20 = 1.0 / 20, inv19 = 1.0 / 19
        let returnsOut = out.column(.returns), logOut = out.column(.logReturns)
        let momentumOut = out.column(.momentum10), rocOut = out.column(.roc10)
        let sma5Out = out.column(.sma5), sma10Out = out.column(.sma10), sma20Out = out.column(.sma20)
        let toSMAOut = out.column(.priceToSMA20), fiveToOut = out.column(.sma5ToSMA20)
        let widthOut = out.column(.bbWidth), positionOut = out.column(.bbPosition)
        let volatilityOut = out.column(.volatility), rsiOut = out.column(.rsi)
        Quad.forEach(rows.count) { k, lanes in
            let j = lead + k
            let p = Quad.load(xs + j), p10 = Quad.load(xs + j - 10)
            Quad.store(Quad.load(s.rs + j), returnsOut + k, lanes)
            Quad.store(RatioLogarithm.ln(Quad.load(s.ratio + j)), logOut + k, lanes)
            Quad.store(p - p10, momentumOut + k, lanes)
            Quad.store((p - p10) / p10 * 100, rocOut + k, lanes)

            let sum5 = Quad.load(c5 + j)
            let sum10 = sum5 + Quad.load(c5 + j - 5)
            let sum20 = sum10 + (Quad.load(c5 + j - 10) + Quad.load(c5 + j - 15))
            let sma5 = sum5 * inv5, sma20 = sum20 * inv20
            let perSMA20 = 1 / sma20
            Quad.store(sma5, sma5Out + k, lanes)
            Quad.store(sum10 * inv10, sma10Out + k, lanes)
            Quad.store(sma20, sma20Out + k, lanes)
            Quad.store(p * perSMA20, toSMAOut + k, lanes)
            Quad.store(sma5 * perSMA20, fiveToOut + k, lanes)

            let sd = SquareRoot.of(windowSquares20(s.closeM2, c5, j, mean: sma20) * inv19)
            let up = sma20 + 2 * sd, low = sma20 - 2 * sd
            Quad.store((up - low) * perSMA20, widthOut + k, lanes)
            Quad.store((p - low) / (up - low), positionOut + k, lanes)

            let meanR = ((Quad.load(r5 + j) + Quad.load(r5 + j - 5)) + (Quad.load(r5 + j - 10) + Quad.load(r5 + j - 15))) * inv20
            let sdR = SquareRoot.of(windowSquares20(s.retM2, r5, j, mean: meanR) * inv19)
            Quad.store(sdR * annualisation, volatilityOut + k, lanes)

            let gain = Quad.load(s.gain7 + j - 7) + Quad.load(s.gain7 + j)
            let loss = Quad.load(s.loss7 + j - 7) + Quad.load(s.loss7 + j)
            Quad.store(100 - 100 * loss / (gain + loss), rsiOut + k, lanes)
        }
    }

    /// Price and return lags, copied from the scratch closes and returns.
    private static func writeCopies(rows: Range<Int>, _ s: KernelScratch.Arrays, out: ColumnBlock) {
        let n = rows.count
        let lags: [(Int, FeatureColumn, FeatureColumn)] = [
            (1, .priceLag1, .returnsLag1), (2, .priceLag2, .returnsLag2), (3, .priceLag3, .returnsLag3),
            (5, .priceLag5, .returnsLag5), (10, .priceLag10, .returnsLag10),
        ]
        for (k, price, returns) in lags {
            Quad.copy(from: s.xs + (lead - k), to: out.column(price), count: n)
            Quad.copy(from: s.rs + (lead - k), to: out.column(returns), count: n)
        }
    }

    /// Hour, day of week and weekend flag from the UTC open times (1970-01-01 was a Thursday).
    /// A bar one step after the previous one on the same day only advances the time of day; any
    /// other bar (the first, a new day, a gap) gets the full floor-division calendar arithmetic.
    private static func writeCalendar(count: Int, times: UnsafePointer<Timestamp>, out: ColumnBlock) {
        let day: Int64 = 86_400_000, hour: Int64 = 3_600_000, step = BarGrid.step.value
        let hourOut = out.column(.hour), dowOut = out.column(.dayOfWeek), weekendOut = out.column(.isWeekend)
        var previous: Int64 = 0, msInDay: Int64 = 0, dow = 0.0, weekend = 0.0
        for k in 0..<count {
            let ms = times[k].milliseconds
            if k > 0 && ms &- previous == step && msInDay + step < day {
                msInDay += step
            } else {
                var days = ms / day
                if ms % day < 0 { days -= 1 }
                msInDay = ms - days * day
                let weekday = ((days + 3) % 7 + 7) % 7
                dow = Double(weekday)
                weekend = weekday >= 5 ? 1 : 0
            }
            previous = ms
            hourOut[k] = Double(msInDay / hour)
            dowOut[k] = dow
            weekendOut[k] = weekend
        }
    }

    /// The four horizon targets for `rows` of a series of `count` closes: NaN where the future close
    /// is beyond the series.
    static func targetColumns(closes c: UnsafePointer<Double>, count n: Int, rows: Range<Int>, out: ColumnBlock) {
        let h = FeatureSetVersion.v1.horizonBars
        let futureOut = out.column(.futurePrice), returnOut = out.column(.targetReturn)
        let logOut = out.column(.targetLogReturn), directionOut = out.column(.targetDirection)
        let known = max(rows.lowerBound, min(rows.upperBound, n - h))
        Quad.forEach(known - rows.lowerBound) { k, lanes in
            let i = rows.lowerBound + k
            var p = SIMD4<Double>(repeating: 1), f = p
            if lanes == 4 {
                p = Quad.load(c + i); f = Quad.load(c + i + h)
            } else {
                for j in 0..<lanes { p[j] = c[i + j]; f[j] = c[i + j + h] }
            }
            let ratio = f / p
            Quad.store(f, futureOut + k, lanes)
            Quad.store(ratio - 1, returnOut + k, lanes)
            Quad.store(RatioLogarithm.ln(ratio), logOut + k, lanes)
            Quad.store(SIMD4(repeating: 0).replacing(with: 1, where: f .> p), directionOut + k, lanes)
        }
        for k in (known - rows.lowerBound)..<rows.count {
            futureOut[k] = .nan; returnOut[k] = .nan; logOut[k] = .nan; directionOut[k] = .nan
        }
    }

    /// The targets of one row: pandas' `future / p - 1`, `ln(future / p)` and `future > p`, with the
    /// same operations as ``targetColumns(closes:count:rows:out:)``.
    static func targets(price: Double, future: Double) -> FeatureTargets {
        let ratio = future / price
        return FeatureTargets(futurePrice: future, targetReturn: ratio - 1,
                              targetLogReturn: RatioLogarithm.ln(ratio), targetDirection: future > price ? 1 : 0)
    }

    /// x[end-4] + … + x[end], left to right, for four consecutive ends.
    @inline(__always)
    private static func blockSum5(_ x: UnsafeMutablePointer<Double>, _ end: Int) -> SIMD4<Double> {
        (((Quad.load(x + end - 4) + Quad.load(x + end - 3)) + Quad.load(x + end - 2)) + Quad.load(x + end - 1))
            + Quad.load(x + end)
    }

    /// x[end-6] + … + x[end], left to right, for four consecutive ends.
    @inline(__always)
    private static func blockSum7(_ x: UnsafeMutablePointer<Double>, _ end: Int) -> SIMD4<Double> {
        (((((Quad.load(x + end - 6) + Quad.load(x + end - 5)) + Quad.load(x + end - 4)) + Quad.load(x + end - 3))
            + Quad.load(x + end - 2)) + Quad.load(x + end - 1)) + Quad.load(x + end)
    }

    /// Σ (x − block mean)² over x[end-4] … x[end], for four consecutive ends.
    @inline(__always)
    private static func blockSquares5(_ x: UnsafeMutablePointer<Double>, _ end: Int, mean: SIMD4<Double>) -> SIMD4<Double> {
        let d0 = Quad.load(x + end - 4) - mean, d1 = Quad.load(x + end - 3) - mean
        let d2 = Quad.load(x + end - 2) - mean, d3 = Quad.load(x + end - 1) - mean
        let d4 = Quad.load(x + end) - mean
        return (((d0 * d0 + d1 * d1) + d2 * d2) + d3 * d3) + d4 * d4
    }

    /// Σ (x − mean)² over the 20 values ending at slot `j`, for four consecutive windows, from the
    /// four 5-value blocks: Σ_b [M2_b + 5 (mean_b − mean)²] (the parallel-variance identity).
    ///
    /// Every term is a sum of squares, so nothing cancels: it is as accurate as a two-pass variance
    /// over the 20 values, at half the arithmetic because each block's M2 serves four windows.
    @inline(__always)
    private static func windowSquares20(_ m2: UnsafeMutablePointer<Double>, _ sums: UnsafeMutablePointer<Double>,
                                        _ j: Int, mean: SIMD4<Double>) -> SIMD4<Double> {
        let within = (Quad.load(m2 + j) + Quad.load(m2 + j - 5)) + (Quad.load(m2 + j - 10) + Quad.load(m2 + j - 15))
        let e0 = Quad.load(sums + j) * 0.2 - mean, e1 = Quad.load(sums + j - 5) * 0.2 - mean
        let e2 = Quad.load(sums + j - 10) * 0.2 - mean, e3 = Quad.load(sums + j - 15) * 0.2 - mean
        let between = (e0 * e0 + e1 * e1) + (e2 * e2 + e3 * e3)
        return within + 5 * between
    }
}
