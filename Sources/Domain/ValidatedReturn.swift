/// The part of a validated prediction the live model review reads: the bar it was made
/// from, when it was checked, and the prices that give its return error. A few numbers
/// instead of a whole ``Prediction`` so a week of every reviewed model's predictions can be
/// read, kept and compared at every validation run.
///
/// Invariant: comes from a prediction whose validation has an outcome; `actualPrice` is the
/// price it was checked against.
public struct ValidatedReturn: Sendable, Hashable {
    public var barTime: Timestamp
    public var targetTime: Timestamp
    /// The price at `barTime` the prediction started from.
    public var price: Double
    public var predictedReturn: Double
    public var actualPrice: Double

    public init(barTime: Timestamp, targetTime: Timestamp, price: Double, predictedReturn: Double, actualPrice: Double) {
        self.barTime = barTime; self.targetTime = targetTime; self.price = price
        self.predictedReturn = predictedReturn; self.actualPrice = actualPrice
    }

    /// The validated part of `p`, or nil while it is pending (or has no usable actual price).
    public init?(_ p: Prediction) {
        guard p.validation.outcome != nil, let actual = p.validation.actualPrice else { return nil }
        self.init(barTime: p.barTime, targetTime: p.targetTime, price: p.price, predictedReturn: p.predictedReturn,
                  actualPrice: actual)
    }
}
