public import Domain
import Foundation

/// The live scorecard of one model version over a simulation: how its validated
/// predictions turned out, beside the persistence and last-move baselines on the very
/// same predictions (so noise is never mistaken for skill).
public struct ModelScore: Sendable, Hashable {
    public var modelID: ULID
    public var asset: AssetID
    public var family: String
    /// Its stage when the simulation ended.
    public var stage: String
    public var createdAt: Timestamp?
    /// Hold-out skill vs persistence measured at training.
    public var holdoutSkill: Double?
    public var predictions = 0
    public var shadow = 0
    public var correct = 0
    public var incorrect = 0
    public var flat = 0
    /// Mean |actual − predicted| / price, in basis points, over validated predictions.
    public var meanAbsoluteErrorBps: Double?
    /// 1 − RMSE(model) / RMSE(persistence) on the validated predictions.
    public var skillVsPersistence: Double?
    /// Hit rate minus the hit rate of "same direction as the last move" on the same
    /// non-flat predictions.
    public var skillVsLastMove: Double?
    /// correct / (correct + incorrect).
    public var hitRate: Double? { correct + incorrect > 0 ? Double(correct) / Double(correct + incorrect) : nil }
    /// Wilson 95 % interval of the hit rate.
    public var hitRateInterval: (lower: Double, upper: Double)? {
        let n = Double(correct + incorrect)
        guard n > 0 else { return nil }
        let z = 1.959963984540054, p = Double(correct) / n
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / (1 + z * z / n)
        return (max(0, centre - half), min(1, centre + half))
    }
    public var validated: Int { correct + incorrect + flat }
}

/// Accumulates one model's predictions into a ``ModelScore``.
struct ModelScoreAccumulator {
    var score: ModelScore
    private var absBps = 0.0
    private var squaredModel = 0.0
    private var squaredPersistence = 0.0
    private var errors = 0
    private var lastMoveCorrect = 0
    private var directional = 0
    private var modelDirectionalCorrect = 0

    init(score: ModelScore) { self.score = score }

    /// `previousClose`: the close of the bar before the prediction's bar, for the last-move baseline.
    mutating func add(_ p: Prediction, previousClose: Double?) {
        score.predictions += 1
        if p.shadow { score.shadow += 1 }
        guard let outcome = p.validation.outcome, let actual = p.validation.actualPrice else { return }
        switch outcome {
        case .correct: score.correct += 1
        case .incorrect: score.incorrect += 1
        case .flat: score.flat += 1
        }
        if p.price > 0, actual.isFinite {
            absBps += abs(actual - p.predictedPrice) / p.price * 10_000
            squaredModel += (actual - p.predictedPrice) * (actual - p.predictedPrice)
            squaredPersistence += (actual - p.price) * (actual - p.price)
            errors += 1
        }
        if outcome != .flat, let previousClose, previousClose != p.price {
            let actualUp = actual > p.price
            let lastMoveUp = p.price > previousClose
            directional += 1
            if lastMoveUp == actualUp { lastMoveCorrect += 1 }
            if outcome == .correct { modelDirectionalCorrect += 1 }
        }
    }

    func finish() -> ModelScore {
        var s = score
        if errors > 0 {
            s.meanAbsoluteErrorBps = absBps / Double(errors)
            if squaredPersistence > 0 { s.skillVsPersistence = 1 - (squaredModel / squaredPersistence).squareRoot() }
        }
        if directional > 0 {
            s.skillVsLastMove = Double(modelDirectionalCorrect - lastMoveCorrect) / Double(directional)
        }
        return s
    }
}
