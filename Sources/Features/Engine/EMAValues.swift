/// The last value of every exponential moving average feature set v1 carries from bar to bar.
///
/// `ewm(span, adjust=False)` is a recurrence, so resuming a series needs exactly these six numbers;
/// they are finite whenever the closes are.
public struct EMAValues: Sendable, Hashable, Codable {
    public var ema5: Double
    public var ema10: Double
    public var ema20: Double
    public var ema12: Double
    public var ema26: Double
    /// ema(macd, 9), the MACD signal line.
    public var signal9: Double

    public init(ema5: Double, ema10: Double, ema20: Double, ema12: Double, ema26: Double, signal9: Double) {
        self.ema5 = ema5; self.ema10 = ema10; self.ema20 = ema20
        self.ema12 = ema12; self.ema26 = ema26; self.signal9 = signal9
    }

    /// The averages on the first bar of a series: pandas seeds every EMA with its first input (y0 = x0),
    /// and macd on that bar is 0, so the signal line starts at 0 too.
    init(seed close: Double) {
        let macd = close - close
        self.init(ema5: close, ema10: close, ema20: close, ema12: close, ema26: close, signal9: macd)
    }
}

/// Smoothing factors a = 2 / (span + 1) and their complements, computed once.
struct EMAWeights {
    let a5 = 2.0 / 6.0, a10 = 2.0 / 11.0, a20 = 2.0 / 21.0
    let a12 = 2.0 / 13.0, a26 = 2.0 / 27.0, a9 = 2.0 / 10.0
    var b5: Double { 1 - a5 }
    var b10: Double { 1 - a10 }
    var b20: Double { 1 - a20 }
    var b12: Double { 1 - a12 }
    var b26: Double { 1 - a26 }
    var b9: Double { 1 - a9 }
}
