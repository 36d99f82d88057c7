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
/// `FeatureKernel.lookback` closes before `outputStart`, so that never happens there.
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

    /// Computes the rows in `rows` (indices into `closes`) into `out`, row-major, `columns` per row.
    ///
    /// - Parameters:
    ///   - times: open times of the rows in `rows`, one per row.
    ///   - seed: the EMAs on row `rows.lowerBound - 1`; nil only when `rows.lowerBound == 0` (series start).
    ///   - captureAt: a row index whose EMAs are reported (the seed when it is `rows.lowerBound - 1`).
    static func run(closes: UnsafeBufferPointer<Double>, rows: Range<Int>, times: UnsafePointer<Int64>,
                    seed: EMAValues?, captureAt: Int, out: UnsafeMutablePointer<Double>) -> Outcome {
        let n = closes.count
        let outputStart = rows.lowerBound
        precondition(outputStart >= 0 && rows.upperBound <= n)
        precondition((seed == nil) == (outputStart == 0))
        var outcome = Outcome(last: seed, captured: captureAt == outputStart - 1 ? seed : nil)
        guard !rows.isEmpty, let c = closes.baseAddress else { return outcome }

        // Returns are needed 20 at a time by volatility and by the lags; divide once per close.
        let base = max(outputStart - lookback, 0)
        // Likewise RSI's gains and losses, which are branch-free and exact as (|d| ± d) / 2; the
        // delta before the series start is NaN in pandas and `where` makes its gain and loss 0.
        let span = rows.upperBound - base
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 3 * span)
        defer { scratch.deallocate() }
        let r = scratch, gains = scratch + span, losses = scratch + 2 * span
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

        let w = EMAWeights()
        let (a5, a10, a20, a12, a26, a9) = (w.a5, w.a10, w.a20, w.a12, w.a26, w.a9)
        let (b5, b10, b20, b12, b26, b9) = (w.b5, w.b10, w.b20, w.b12, w.b26, w.b9)
        var ema = seed ?? EMAValues(seed: c[0])
        let nan = Double.nan

        for i in rows {
            let p = c[i]
            let o = out + (i - outputStart) * columns

            if i > 0 {
                // Row 0 of a series keeps its seed (y0 = x0); later rows apply the recurrence.
                ema.ema5 = a5 * p + b5 * ema.ema5
                ema.ema10 = a10 * p + b10 * ema.ema10
                ema.ema20 = a20 * p + b20 * ema.ema20
                ema.ema12 = a12 * p + b12 * ema.ema12
                ema.ema26 = a26 * p + b26 * ema.ema26
                ema.signal9 = a9 * (ema.ema12 - ema.ema26) + b9 * ema.signal9
            }
            if i == captureAt { outcome.captured = ema }
            let macd = ema.ema12 - ema.ema26

            o[FeatureColumn.returns.rawValue] = r[i - base]
            o[FeatureColumn.logReturns.rawValue] = i >= 1 ? log(p / c[i - 1]) : nan
            o[FeatureColumn.rsi.rawValue] = i >= 13 ? rsi(gains + (i - 13 - base), losses + (i - 13 - base)) : nan
            o[FeatureColumn.macd.rawValue] = macd
            o[FeatureColumn.macdSignal.rawValue] = ema.signal9
            o[FeatureColumn.macdHistogram.rawValue] = macd - ema.signal9
            o[FeatureColumn.ema5.rawValue] = ema.ema5
            o[FeatureColumn.ema10.rawValue] = ema.ema10
            o[FeatureColumn.ema20.rawValue] = ema.ema20

            // Window sums in a fixed tree of 5-close blocks: sma_5, sma_10 and sma_20 share them.
            let s5a = i >= 4 ? blockSum5(c, i) : nan
            let s5b = i >= 9 ? blockSum5(c, i - 5) : nan
            let s10 = s5a + s5b
            let s20 = i >= 19 ? s10 + (blockSum5(c, i - 10) + blockSum5(c, i - 15)) : nan
            let sma5 = s5a / 5, sma10 = s10 / 10, sma20 = s20 / 20
            o[FeatureColumn.sma5.rawValue] = sma5
            o[FeatureColumn.sma10.rawValue] = sma10
            o[FeatureColumn.sma20.rawValue] = sma20
            o[FeatureColumn.priceToSMA20.rawValue] = p / sma20
            o[FeatureColumn.sma5ToSMA20.rawValue] = sma5 / sma20

            if i >= 19 {
                let sd = deviation20(c + (i - 19), mean: sma20)
                let up = sma20 + 2 * sd, lo = sma20 - 2 * sd
                o[FeatureColumn.bbWidth.rawValue] = (up - lo) / sma20
                o[FeatureColumn.bbPosition.rawValue] = (p - lo) / (up - lo)
            } else {
                o[FeatureColumn.bbWidth.rawValue] = nan
                o[FeatureColumn.bbPosition.rawValue] = nan
            }
            o[FeatureColumn.volatility.rawValue] = i >= 20 ? volatility(r + (i - 19 - base)) : nan

            let p10 = i >= 10 ? c[i - 10] : nan
            o[FeatureColumn.momentum10.rawValue] = p - p10
            o[FeatureColumn.roc10.rawValue] = (p - p10) / p10 * 100

            let t = Timestamp(milliseconds: times[i - outputStart])
            let dow = t.utcDayOfWeek
            o[FeatureColumn.hour.rawValue] = Double(t.utcHour)
            o[FeatureColumn.dayOfWeek.rawValue] = Double(dow)
            o[FeatureColumn.isWeekend.rawValue] = dow >= 5 ? 1 : 0

            o[FeatureColumn.priceLag1.rawValue] = i >= 1 ? c[i - 1] : nan
            o[FeatureColumn.priceLag2.rawValue] = i >= 2 ? c[i - 2] : nan
            o[FeatureColumn.priceLag3.rawValue] = i >= 3 ? c[i - 3] : nan
            o[FeatureColumn.priceLag5.rawValue] = i >= 5 ? c[i - 5] : nan
            o[FeatureColumn.priceLag10.rawValue] = p10
            o[FeatureColumn.returnsLag1.rawValue] = i >= 1 ? r[i - 1 - base] : nan
            o[FeatureColumn.returnsLag2.rawValue] = i >= 2 ? r[i - 2 - base] : nan
            o[FeatureColumn.returnsLag3.rawValue] = i >= 3 ? r[i - 3 - base] : nan
            o[FeatureColumn.returnsLag5.rawValue] = i >= 5 ? r[i - 5 - base] : nan
            o[FeatureColumn.returnsLag10.rawValue] = i >= 10 ? r[i - 10 - base] : nan
        }
        outcome.last = ema
        return outcome
    }

    /// c[end-4] + … + c[end], left to right.
    @inline(__always)
    static func blockSum5(_ c: UnsafePointer<Double>, _ end: Int) -> Double {
        (((c[end - 4] + c[end - 3]) + c[end - 2]) + c[end - 1]) + c[end]
    }

    /// Sample standard deviation (ddof 1) of 20 values around a known mean, two-pass. Four
    /// interleaved accumulators (combined pairwise) keep the additions from forming one long
    /// dependency chain; the order is fixed, so every path gives the same bits.
    @inline(__always)
    static func deviation20(_ x: UnsafePointer<Double>, mean: Double) -> Double {
        let m = SIMD4<Double>(repeating: mean)
        var acc = SIMD4<Double>(repeating: 0)
        let raw = UnsafeRawPointer(x)
        for k in stride(from: 0, to: 20, by: 4) {
            let d = raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self) - m
            acc += d * d
        }
        return (((acc[0] + acc[1]) + (acc[2] + acc[3])) / 19).squareRoot()
    }

    /// Annualised sample standard deviation of 20 returns; the mean is their sum (four interleaved
    /// partial sums) / 20.
    @inline(__always)
    static func volatility(_ r: UnsafePointer<Double>) -> Double {
        var acc = SIMD4<Double>(repeating: 0)
        let raw = UnsafeRawPointer(r)
        for k in stride(from: 0, to: 20, by: 4) { acc += raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self) }
        return deviation20(r, mean: ((acc[0] + acc[1]) + (acc[2] + acc[3])) / 20) * annualisation
    }

    /// RSI from the 14 gains and losses starting at the pointers: 100 − 100 / (1 + mean gain / mean loss).
    /// Each sum is two interleaved halves of 7, added at the end.
    @inline(__always)
    static func rsi(_ gains: UnsafePointer<Double>, _ losses: UnsafePointer<Double>) -> Double {
        var g0 = 0.0, g1 = 0.0, l0 = 0.0, l1 = 0.0
        for k in 0..<7 {
            g0 += gains[k]; g1 += gains[k + 7]
            l0 += losses[k]; l1 += losses[k + 7]
        }
        let avgGain = (g0 + g1) / 14, avgLoss = (l0 + l1) / 14
        return 100 - 100 / (1 + avgGain / avgLoss)
    }
}
