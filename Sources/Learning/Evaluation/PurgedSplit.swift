/// A time-ordered train / hold-out split with the boundary purged so no target leaks.
///
/// Rows must be in time order. With N rows, `n_train_raw = ⌊trainFraction · N⌋` (computed in
/// Double, as the Python reference does); the hold-out is `[n_train_raw, N)`; the `horizon`
/// rows just before it are purged, because their targets look into the hold-out; train is
/// `[0, n_train_raw − horizon)`. Purged rows are used for nothing.
/// Invariant: `train`, `purged`, `holdout` are adjacent, in that order, covering `0..<rowCount`.
public struct PurgedSplit: Sendable, Hashable, Codable {
    public let rowCount: Int
    public let horizon: Int
    public let train: Range<Int>
    public let purged: Range<Int>
    public let holdout: Range<Int>

    /// Throws `.invalidHyperparameter` for a fraction outside (0, 1) or a negative horizon,
    /// and `.emptyTrainingSet` when train or hold-out would be empty.
    public init(rowCount: Int, horizon: Int = 6, trainFraction: Double = 0.8) throws(LearningError) {
        guard trainFraction > 0, trainFraction < 1 else {
            throw .invalidHyperparameter("trainFraction must be in (0, 1), got \(trainFraction)")
        }
        guard horizon >= 0 else { throw .invalidHyperparameter("horizon must be ≥ 0, got \(horizon)") }
        let rawTrain = Int((trainFraction * Double(rowCount)).rounded(.down))
        guard rawTrain - horizon > 0, rawTrain < rowCount else { throw .emptyTrainingSet }
        self.rowCount = rowCount
        self.horizon = horizon
        train = 0..<(rawTrain - horizon)
        purged = (rawTrain - horizon)..<rawTrain
        holdout = rawTrain..<rowCount
    }

    /// The label the fixtures use for a row: "train", "purged" or "holdout".
    public func label(ofRow row: Int) -> String {
        if train.contains(row) { return "train" }
        if purged.contains(row) { return "purged" }
        return "holdout"
    }
}
