import Domain
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The arithmetic of feature set v1 over a contiguous run of closes, shared by the from-scratch and
/// the incremental paths so both give the same bits.
///
/// Every windowed value is a pure function of the closes inside its window, summed in a fixed order,
/// and every EMA is the plain recurrence from its seed; so computing a row needs only the 20 closes
/// before it and the EMAs of the row before, which is what `FeatureEngine.State` keeps.
/// A lookback that falls before index 0 of `closes` is "not available" (NaN), which is pandas'
/// `shift` at the start of a series; callers that resume mid-series pass at least
/// `FeatureKernel.lookback` closes before the first row, so that never happens there.
///
/// The work is split into small passes over the rows (one per feature family) rather than one
/// big loop body: each pass has independent iterations apart from the EMA recurrences, so the CPU
/// overlaps the divisions of neighbouring rows instead of waiting on each.
enum FeatureKernel {
    /// Closes a row looks back at most (volatility: 20 returns need 21 closes).
    static let lookback = 20
    static let columns = FeatureColumn.count
    static let annualisation = BarGrid.barsPerYear.squareRoot()

    /// What a run ends with: the EMAs on its last row (the seed of the next run) and on `captureAt`.
    struct Outcome {
        var last: EMAValues?
        var captured: EMAValues?
    }

    /// The inputs every pass reads: closes, and per-close returns, gains and losses from `base` on.
    private struct Inputs {
        let c: UnsafePointer<Double>
        let times: UnsafePointer<Int64>
        let rows: Range<Int>
        let base: Int
        let r: UnsafePointer<Double>
        let gains: UnsafePointer<Double>
        let losses: UnsafePointer<Double>
        /// Sums of the 5 closes, 5 returns, 7 gains, 7 losses ending at each index (from `base`).
        let closeBlocks: UnsafePointer<Double>
        let returnBlocks: UnsafePointer<Double>
        let gainBlocks: UnsafePointer<Double>
        let lossBlocks: UnsafePointer<Double>
        let out: UnsafeMutablePointer<Double>

        @inline(__always) func row(_ i: Int) -> UnsafeMutablePointer<Double> { out + (i - rows.lowerBound) * columns }
    }

    /// Computes the rows in `rows` (indices into `closes`) into `out`, row-major, `columns` per row.
    ///
    /// - Parameters:
    ///   - times: open times of the rows in `rows`, one per row.
    ///   - seed: the EMAs on row `rows.lowerBound - 1`; nil only when `rows.lowerBound == 0` (series start).
    ///   - captureAt: a row index whose EMAs are reported (the seed when it is `rows.lowerBound - 1`).
    static func run(closes: UnsafeBufferPointer<Double>, rows: Range<Int>, times: UnsafePointer<Int64>,
                    seed: EMAValues?, captureAt: Int, out: UnsafeMutablePointer<Double>) -> Outcome {
        let outputStart = rows.lowerBound
        precondition(outputStart >= 0 && rows.upperBound <= closes.count)
        precondition((seed == nil) == (outputStart == 0))
        var outcome = Outcome(last: seed, captured: captureAt == outputStart - 1 ? seed : nil)
        guard !rows.isEmpty, let c = closes.baseAddress else { return outcome }

        // Per-close inputs from `base` on, computed once and shared by every window over them:
        // returns (one division per close); RSI's gains and losses, branch-free and exact as
        // (|d| ± d) / 2 (the delta before the series start is NaN in pandas, and `where` makes its
        // gain and loss 0); and block sums ending at each index — 5 closes, 5 returns, 7 gains,
        // 7 losses — from which every window sum is assembled in a fixed order. A window's value
        // therefore depends only on the closes inside it, whatever the chunking.
        let base = max(outputStart - lookback, 0)
        let span = rows.upperBound - base
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 7 * span)
        defer { scratch.deallocate() }
        let r = scratch, gains = scratch + span, losses = scratch + 2 * span
        let closeBlocks = scratch + 3 * span, returnBlocks = scratch + 4 * span
        let gainBlocks = scratch + 5 * span, lossBlocks = scratch + 6 * span
        for i in base..<rows.upperBound {
            let j = i - base
            if i == 0 {
                r[j] = .nan; gains[j] = 0; losses[j] = 0
            } else {
                r[j] = c[i] / c[i - 1] - 1
                let d = c[i] - c[i - 1]
                gains[j] = (d.magnitude + d) * 0.5
                losses[j] = (d.magnitude - d) * 0.5
            }
        }
        for j in 0..<span {
            closeBlocks[j] = base + j >= 4 ? blockSum5(c, base + j) : .nan
            returnBlocks[j] = j >= 4 ? blockSum5(r, j) : .nan
            gainBlocks[j] = j >= 6 ? blockSum7(gains, j) : .nan
            lossBlocks[j] = j >= 6 ? blockSum7(losses, j) : .nan
        }
        let inputs = Inputs(c: c, times: times, rows: rows, base: base, r: r, gains: gains, losses: losses,
                            closeBlocks: closeBlocks, returnBlocks: returnBlocks, gainBlocks: gainBlocks,
                            lossBlocks: lossBlocks, out: out)

        outcome.last = emaPass(inputs, seed: seed ?? EMAValues(seed: c[0]), captureAt: captureAt, captured: &outcome.captured)
        pointPass(inputs)
        windowPass(inputs)
        momentumPass(inputs)
        return outcome
    }

    /// EMAs, MACD and its signal: the only serial recurrence. Row 0 of a series keeps its seed (y0 = x0).
    private static func emaPass(_ x: Inputs, seed: EMAValues, captureAt: Int, captured: inout EMAValues?) -> EMAValues {
        let w = EMAWeights()
        let (a5, a10, a20, a12, a26, a9) = (w.a5, w.a10, w.a20, w.a12, w.a26, w.a9)
        let (b5, b10, b20, b12, b26, b9) = (w.b5, w.b10, w.b20, w.b12, w.b26, w.b9)
        var ema = seed
        for i in x.rows {
            let p = x.c[i]
            if i > 0 {
                ema.ema5 = a5 * p + b5 * ema.ema5
                ema.ema10 = a10 * p + b10 * ema.ema10
                ema.ema20 = a20 * p + b20 * ema.ema20
                ema.ema12 = a12 * p + b12 * ema.ema12
                ema.ema26 = a26 * p + b26 * ema.ema26
                ema.signal9 = a9 * (ema.ema12 - ema.ema26) + b9 * ema.signal9
            }
            if i == captureAt { captured = ema }
            let o = x.row(i)
            let macd = ema.ema12 - ema.ema26
            o[FeatureColumn.macd.rawValue] = macd
            o[FeatureColumn.macdSignal.rawValue] = ema.signal9
            o[FeatureColumn.macdHistogram.rawValue] = macd - ema.signal9
            o[FeatureColumn.ema5.rawValue] = ema.ema5
            o[FeatureColumn.ema10.rawValue] = ema.ema10
            o[FeatureColumn.ema20.rawValue] = ema.ema20
        }
        return ema
    }

    /// Per-bar values: returns, log returns, calendar fields, price and return lags.
    private static func pointPass(_ x: Inputs) {
        let nan = Double.nan, c = x.c, r = x.r, base = x.base
        let day: Int64 = 86_400_000, hour: Int64 = 3_600_000
        for i in x.rows {
            let o = x.row(i)
            o[FeatureColumn.returns.rawValue] = r[i - base]
            o[FeatureColumn.logReturns.rawValue] = i >= 1 ? log(c[i] / c[i - 1]) : nan

            // UTC calendar fields with floor division (1970-01-01 was a Thursday: Monday = 0 → 3).
            let ms = x.times[i - x.rows.lowerBound]
            var days = ms / day
            if ms % day < 0 { days -= 1 }
            let dow = ((days + 3) % 7 + 7) % 7
            o[FeatureColumn.hour.rawValue] = Double((ms - days * day) / hour)
            o[FeatureColumn.dayOfWeek.rawValue] = Double(dow)
            o[FeatureColumn.isWeekend.rawValue] = dow >= 5 ? 1 : 0

            o[FeatureColumn.priceLag1.rawValue] = i >= 1 ? c[i - 1] : nan
            o[FeatureColumn.priceLag2.rawValue] = i >= 2 ? c[i - 2] : nan
            o[FeatureColumn.priceLag3.rawValue] = i >= 3 ? c[i - 3] : nan
            o[FeatureColumn.priceLag5.rawValue] = i >= 5 ? c[i - 5] : nan
            o[FeatureColumn.priceLag10.rawValue] = i >= 10 ? c[i - 10] : nan
            o[FeatureColumn.returnsLag1.rawValue] = i >= 1 ? r[i - 1 - base] : nan
            o[FeatureColumn.returnsLag2.rawValue] = i >= 2 ? r[i - 2 - base] : nan
            o[FeatureColumn.returnsLag3.rawValue] = i >= 3 ? r[i - 3 - base] : nan
            o[FeatureColumn.returnsLag5.rawValue] = i >= 5 ? r[i - 5 - base] : nan
            o[FeatureColumn.returnsLag10.rawValue] = i >= 10 ? r[i - 10 - base] : nan
        }
    }

    /// Rolling windows: SMAs, Bollinger, their ratios, RSI and volatility.
    ///
    /// Sums are taken per row (cheap and independent); every division and square root runs four rows
    /// at a time in SIMD lanes, where the divider is the bottleneck. IEEE division and square root are
    /// correctly rounded lane by lane, so the lanes give exactly the bits of the scalar formulas.
    private static func windowPass(_ x: Inputs) {
        let nan = Double.nan, c = x.c, base = x.base
        let count = x.rows.count, first = x.rows.lowerBound
        let temp = UnsafeMutablePointer<Double>.allocate(capacity: 8 * count)
        defer { temp.deallocate() }
        // Per row, NaN while the window is short: block sums, Σ returns, Σ gains, Σ losses; then the
        // means and the sums of squared deviations from them.
        let sum5 = temp, sum10 = temp + count, sum20 = temp + 2 * count, sumR = temp + 3 * count
        let gainSums = temp + 4 * count, lossSums = temp + 5 * count
        let ssPrice = temp + 6 * count, ssReturn = temp + 7 * count
        let sma20s = sum20, meanR = sumR // overwritten in place by the means

        for i in x.rows {
            let k = i - first, j = i - base
            // Window sums from the block sums: sma_5, sma_10 and sma_20 share the close blocks.
            let s5a = i >= 4 ? x.closeBlocks[j] : nan
            let s10 = s5a + (i >= 9 ? x.closeBlocks[j - 5] : nan)
            sum5[k] = s5a
            sum10[k] = s10
            sum20[k] = i >= 19 ? s10 + (x.closeBlocks[j - 10] + x.closeBlocks[j - 15]) : nan
            let rb = x.returnBlocks
            sumR[k] = i >= 20 ? (rb[j] + rb[j - 5]) + (rb[j - 10] + rb[j - 15]) : nan
            gainSums[k] = i >= 13 ? x.gainBlocks[j - 7] + x.gainBlocks[j] : nan
            lossSums[k] = i >= 13 ? x.lossBlocks[j - 7] + x.lossBlocks[j] : nan
        }

        forEachQuad(count) { k, lanes in
            let price = quad(c + first + k, lanes)
            let sma5 = quad(sum5 + k, lanes) / 5
            let sma10 = quad(sum10 + k, lanes) / 10
            let sma20 = quad(sum20 + k, lanes) / 20
            let toSMA20 = price / sma20, fiveTo20 = sma5 / sma20
            let mean = quad(sumR + k, lanes) / 20
            let o = x.out + k * columns
            scatter(sma5, o + FeatureColumn.sma5.rawValue, lanes)
            scatter(sma10, o + FeatureColumn.sma10.rawValue, lanes)
            scatter(sma20, o + FeatureColumn.sma20.rawValue, lanes)
            scatter(toSMA20, o + FeatureColumn.priceToSMA20.rawValue, lanes)
            scatter(fiveTo20, o + FeatureColumn.sma5ToSMA20.rawValue, lanes)
            storeContiguous(sma20, sma20s + k, lanes)
            storeContiguous(mean, meanR + k, lanes)
        }

        for i in x.rows {
            let k = i - first
            ssPrice[k] = i >= 19 ? sumOfSquares20(c + (i - 19), mean: sma20s[k]) : nan
            ssReturn[k] = i >= 20 ? sumOfSquares20(x.r + (i - 19 - base), mean: meanR[k]) : nan
        }

        forEachQuad(count) { k, lanes in
            let price = quad(c + first + k, lanes)
            let sma20 = quad(sma20s + k, lanes)
            let sd = (quad(ssPrice + k, lanes) / 19).squareRoot()
            let up = sma20 + 2 * sd, lo = sma20 - 2 * sd
            let width = (up - lo) / sma20
            let position = (price - lo) / (up - lo)
            let volatility = (quad(ssReturn + k, lanes) / 19).squareRoot() * annualisation
            let avgGain = quad(gainSums + k, lanes) / 14, avgLoss = quad(lossSums + k, lanes) / 14
            let rsi = 100 - 100 / (1 + avgGain / avgLoss)
            let o = x.out + k * columns
            scatter(width, o + FeatureColumn.bbWidth.rawValue, lanes)
            scatter(position, o + FeatureColumn.bbPosition.rawValue, lanes)
            scatter(volatility, o + FeatureColumn.volatility.rawValue, lanes)
            scatter(rsi, o + FeatureColumn.rsi.rawValue, lanes)
        }
    }

    /// Calls `body(k, lanes)` for k = 0, 4, 8, … with `lanes` = 4 except possibly at the end.
    @inline(__always)
    private static func forEachQuad(_ count: Int, _ body: (Int, Int) -> Void) {
        var k = 0
        while k < count {
            let lanes = min(4, count - k)
            body(k, lanes)
            k += lanes
        }
    }

    /// Stores the lanes into one column of consecutive rows (`columns` apart). Constant lane indices
    /// in the common case: a variable index would send the vector through memory.
    @inline(__always)
    private static func scatter(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, _ lanes: Int) {
        if lanes == 4 {
            p[0] = v[0]; p[columns] = v[1]; p[2 * columns] = v[2]; p[3 * columns] = v[3]
        } else {
            for j in 0..<lanes { p[j * columns] = v[j] }
        }
    }

    /// Stores the lanes into consecutive doubles.
    @inline(__always)
    private static func storeContiguous(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, _ lanes: Int) {
        if lanes == 4 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
        } else {
            for j in 0..<lanes { p[j] = v[j] }
        }
    }

    /// Up to four consecutive values as SIMD lanes (unused lanes NaN).
    @inline(__always)
    private static func quad(_ p: UnsafePointer<Double>, _ lanes: Int) -> SIMD4<Double> {
        if lanes == 4 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self) }
        var v = SIMD4<Double>(repeating: .nan)
        for j in 0..<lanes { v[j] = p[j] }
        return v
    }

    /// 10-bar momentum and rate of change.
    private static func momentumPass(_ x: Inputs) {
        let nan = Double.nan, c = x.c
        for i in x.rows {
            let o = x.row(i)
            let p = c[i], p10 = i >= 10 ? c[i - 10] : nan
            o[FeatureColumn.momentum10.rawValue] = p - p10
            o[FeatureColumn.roc10.rawValue] = (p - p10) / p10 * 100
        }
    }

    /// x[end-4] + … + x[end], left to right.
    @inline(__always)
    static func blockSum5(_ x: UnsafePointer<Double>, _ end: Int) -> Double {
        (((x[end - 4] + x[end - 3]) + x[end - 2]) + x[end - 1]) + x[end]
    }

    /// Σ (x − mean)² over 20 values: the second pass of a two-pass sample variance. Four interleaved
    /// accumulators (combined pairwise) keep the additions from forming one long dependency chain;
    /// the order is fixed, so every path gives the same bits.
    @inline(__always)
    static func sumOfSquares20(_ x: UnsafePointer<Double>, mean: Double) -> Double {
        let m = SIMD4<Double>(repeating: mean)
        var acc = SIMD4<Double>(repeating: 0)
        let raw = UnsafeRawPointer(x)
        for k in stride(from: 0, to: 20, by: 4) {
            let d = raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self) - m
            acc += d * d
        }
        return (acc[0] + acc[1]) + (acc[2] + acc[3])
    }

    /// x[end-6] + … + x[end], left to right.
    @inline(__always)
    static func blockSum7(_ x: UnsafePointer<Double>, _ end: Int) -> Double {
        (((((x[end - 6] + x[end - 5]) + x[end - 4]) + x[end - 3]) + x[end - 2]) + x[end - 1]) + x[end]
    }
}
