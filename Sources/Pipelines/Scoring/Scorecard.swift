public import Domain
import Statistics
import Foundation

/// A validated prediction reduced to what scoring needs, with the move of its own bar
/// (close / previous close − 1) for the "same direction as the last move" baseline.
public struct ScoredPrediction: Sendable, Equatable {
    public var modelID: ULID
    public var barTime: Timestamp
    public var targetTime: Timestamp
    public var price: Double
    public var predictedReturn: Double
    public var predictedPrice: Double
    public var direction: Direction
    public var outcome: Outcome
    public var actualPrice: Double
    public var lastMove: Double?

    /// nil unless the prediction is validated with an actual price.
    public init?(_ p: Prediction, lastMove: Double?) {
        guard let outcome = p.validation.outcome, let actual = p.validation.actualPrice else { return nil }
        modelID = p.modelID; barTime = p.barTime; targetTime = p.targetTime; price = p.price
        predictedReturn = p.predictedReturn; predictedPrice = p.predictedPrice; direction = p.direction
        self.outcome = outcome; actualPrice = actual; self.lastMove = lastMove
    }

    /// ln(actual / price): the realised target the model predicted.
    public var actualLogReturn: Double { log(actualPrice / price) }
}

/// Live quality of one model over one set of validated predictions.
///
/// Hit rate = correct / (correct + incorrect): flat outcomes (move below the tolerance) are
/// neither, so they are left out. Every baseline is scored on exactly the same predictions.
public struct ScoreStats: Sendable, Equatable {
    public var count = 0, correct = 0, incorrect = 0, flat = 0
    public var hitRate: Double?
    /// Wilson 95 % interval of the hit rate.
    public var hitRateLower: Double?
    public var hitRateUpper: Double?
    /// Mean |actual − predicted price| / price, in basis points.
    public var maeBasisPoints: Double?
    /// RMSE of the predicted log return, and of persistence (return 0) on the same predictions.
    public var rmse: Double?
    public var persistenceRMSE: Double?
    /// 1 − RMSE(model) / RMSE(persistence); above 0 only when the model beats persistence.
    public var skillVsPersistence: Double?
    /// Hit rate of "same direction as the last move" on the same non-flat predictions
    /// (those whose last move is known), and how many that is.
    public var lastMoveHitRate: Double?
    public var lastMoveCount = 0
    /// Model hit rate minus the last-move baseline's, on the same predictions.
    public var skillVsLastMove: Double?

    public init() {}

    public init(_ predictions: some Sequence<ScoredPrediction>) {
        var absBps = 0.0, sqModel = 0.0, sqPersistence = 0.0
        var baseHits = 0, modelHitsOnBase = 0
        for p in predictions {
            count += 1
            switch p.outcome {
            case .correct: correct += 1
            case .incorrect: incorrect += 1
            case .flat: flat += 1
            }
            absBps += abs(p.actualPrice - p.predictedPrice) / p.price * 10_000
            let actual = p.actualLogReturn
            sqModel += (p.predictedReturn - actual) * (p.predictedReturn - actual)
            sqPersistence += actual * actual
            if p.outcome != .flat, let last = p.lastMove {
                lastMoveCount += 1
                let actualUp = p.actualPrice > p.price
                if (last > 0) == actualUp { baseHits += 1 }
                if p.outcome == .correct { modelHitsOnBase += 1 }
            }
        }
        guard count > 0 else { return }
        let decided = correct + incorrect
        if decided > 0, let w = WilsonInterval(successes: correct, trials: decided) {
            hitRate = w.proportion; hitRateLower = w.lower; hitRateUpper = w.upper
        }
        maeBasisPoints = absBps / Double(count)
        let r = (sqModel / Double(count)).squareRoot(), rp = (sqPersistence / Double(count)).squareRoot()
        rmse = r; persistenceRMSE = rp
        skillVsPersistence = rp > 0 ? 1 - r / rp : nil
        if lastMoveCount > 0 {
            let base = Double(baseHits) / Double(lastMoveCount)
            lastMoveHitRate = base
            skillVsLastMove = Double(modelHitsOnBase) / Double(lastMoveCount) - base
        }
    }
}

/// The live scorecard (design.md §2): per model version, over 1 h, 24 h, 7 d and all time
/// (by target time, counted back from `now`).
public struct Scorecard: Sendable, Equatable {
    /// A named window; `span` nil means all time.
    public struct Window: Sendable, Hashable {
        public var name: String
        public var span: Milliseconds?
        public init(name: String, span: Milliseconds?) { self.name = name; self.span = span }
        public static let standard = [Window(name: "1h", span: .hours(1)), Window(name: "24h", span: .hours(24)),
                                      Window(name: "7d", span: .days(7)), Window(name: "all", span: nil)]
    }

    public struct ModelCard: Sendable, Equatable {
        public var modelID: ULID
        public var windows: [(window: Window, stats: ScoreStats)]
        public static func == (a: ModelCard, b: ModelCard) -> Bool {
            a.modelID == b.modelID && a.windows.map(\.window) == b.windows.map(\.window)
                && a.windows.map(\.stats) == b.windows.map(\.stats)
        }
    }

    public var asOf: Timestamp
    /// In the order of `modelOrder` given to ``init(predictions:now:modelOrder:windows:)``, then by id.
    public var models: [ModelCard]

    public init(predictions: [ScoredPrediction], now: Timestamp, modelOrder: [ULID] = [],
                windows: [Window] = Window.standard) {
        asOf = now
        let byModel = Dictionary(grouping: predictions, by: \.modelID)
        let ordered = modelOrder.filter { byModel[$0] != nil } + byModel.keys.filter { !modelOrder.contains($0) }.sorted()
        models = ordered.map { id in
            let ps = byModel[id] ?? []
            return ModelCard(modelID: id, windows: windows.map { w in
                let since = w.span.map { now - $0 }
                return (w, ScoreStats(ps.lazy.filter { p in since.map { p.targetTime >= $0 } ?? true }))
            })
        }
    }
}
