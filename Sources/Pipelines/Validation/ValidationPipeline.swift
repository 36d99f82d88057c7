public import Domain
import Foundation
public import Logging

/// The validation pipeline (design.md §2): every pending prediction whose target time has
/// passed gets the actual price, its error and its outcome; then the live review may promote
/// a challenger or roll back a failing champion (``LiveModelReview``).
///
/// Which price: the target time is a bar's close (see ``InferencePipeline``), so the actual
/// price is the close of the stored bar whose *close time* is nearest the target time within
/// ±`window` (5 min) — i.e. the bar whose open time is nearest `target − 5 min`, the same
/// price the training target uses. The exact bar is used as soon as it is stored; a
/// neighbour inside the window only once the whole window has passed (so a bar that is merely
/// late is not replaced by a worse one). With no bar in the window the prediction stays
/// pending with a note, and is validated by a later run once the gap is backfilled.
///
/// Only validation fields are written (`PredictionStore.recordValidation`).
public struct ValidationPipeline: Pipeline {
    public let kind = PipelineKind.validation
    let predictions: any PredictionStore
    let prices: any PriceStore
    let clock: any WallClock
    let registry: ModelRegistry?
    let review: LiveModelReview
    let latest: LatestPredictions?
    let events: any EventPublisher
    /// |actual / price − 1| below this is `flat` (0.1 %).
    public let flatTolerance: Double
    public let window: Milliseconds
    /// Most pending predictions looked at per run.
    let batch: Int
    /// How far back the live review reads validated predictions.
    let reviewLookback: Milliseconds
    /// The reviewed models' validated returns, kept between runs.
    let reviewReturns = ValidatedReturnCache()

    public static let noPriceNote = "no price within ±5 min"
    public static let waitingNote = "waiting for the price at target time"

    public init(predictions: any PredictionStore, prices: any PriceStore, clock: any WallClock,
                registry: ModelRegistry? = nil, review: LiveModelReview = LiveModelReview(),
                latest: LatestPredictions? = nil, events: any EventPublisher = NoEventPublisher(),
                flatTolerance: Double = 0.001, window: Milliseconds = .minutes(5), batch: Int = 20_000,
                reviewLookback: Milliseconds = .days(7)) {
        self.predictions = predictions; self.prices = prices; self.clock = clock; self.registry = registry
        self.review = review; self.latest = latest; self.events = events; self.flatTolerance = flatTolerance
        self.window = window; self.batch = batch; self.reviewLookback = reviewLookback
    }

    /// What one run did.
    public struct Report: Sendable, Equatable {
        public var validated = 0, stillPending = 0
        public var outcomes: [Outcome: Int] = [:]
        public var decisions: [AssetID: String] = [:]
    }

    public func run(_ context: RunContext) throws -> JSONValue {
        let report = try validate(assets: context.assets, logger: context.logger)
        try context.checkpoint()
        context.progress(1)
        return .object([
            ("validated", .number(Double(report.validated))), ("still_pending", .number(Double(report.stillPending))),
            ("outcomes", .object(Outcome.allCases.map { ($0.rawValue, .number(Double(report.outcomes[$0] ?? 0))) })),
            ("review", .object(report.decisions.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .string($0.value)) })),
        ])
    }

    public func validate(assets: [AssetID], logger: Logger) throws -> Report {
        let now = clock.now()
        let wanted = Set(assets)
        var report = Report()
        for p in try predictions.pendingDue(before: now, limit: batch) where wanted.contains(p.asset) {
            let bar = try prices.bar(asset: p.asset, nearest: p.targetTime - BarGrid.step, within: window)
            let v = Self.validation(of: p, bar: bar, now: now, window: window, flatTolerance: flatTolerance)
            if v.isValidated {
                let updated = try predictions.recordValidation(id: p.id, v)
                report.validated += 1
                report.outcomes[v.outcome ?? .flat, default: 0] += 1
                events.publish(.predictionValidated(updated))
                latest?.offer(updated, modelCreatedAt: latest?.entry(p.asset)?.modelCreatedAt)
            } else {
                report.stillPending += 1
                if v.note != p.validation.note { try predictions.recordValidation(id: p.id, v) }
            }
        }
        if let registry {
            for asset in assets { report.decisions[asset] = try reviewModels(asset: asset, registry: registry, now: now, logger: logger) }
        }
        logger.info("validation", metadata: ["validated": "\(report.validated)", "still_pending": "\(report.stillPending)"])
        return report
    }

    /// The validation fields for one due prediction given the bar found (or not) near its
    /// target. Pure, so every edge is testable.
    public static func validation(of p: Prediction, bar: Bar?, now: Timestamp, window: Milliseconds = .minutes(5),
                                  flatTolerance: Double = 0.001) -> PredictionValidation {
        guard now >= p.targetTime else { return .pending }
        guard let bar else { return PredictionValidation(note: noPriceNote) }
        if bar.closeTime != p.targetTime && now < p.targetTime + window {
            return PredictionValidation(note: waitingNote)
        }
        let actual = bar.close
        let move = actual / p.price - 1
        let outcome: Outcome
        if abs(move) < flatTolerance { outcome = .flat } else { outcome = (move > 0) == (p.direction == .up) ? .correct : .incorrect }
        return PredictionValidation(outcome: outcome, actualPrice: actual, actualTime: bar.closeTime,
                                    error: actual - p.predictedPrice, validatedAt: now, note: nil)
    }

    /// Runs the live review for one asset and acts on its decision; returns what it decided.
    func reviewModels(asset: AssetID, registry: ModelRegistry, now: Timestamp, logger: Logger) throws -> String {
        let models = registry.models
        guard let production = try models.production(asset: asset, featureSet: FeatureSetVersion.v1.name) else {
            return "no production model"
        }
        let installed = try models.history(asset: asset, query: PageQuery(limit: 20)).items.first { $0.to == production.id }
        let situation = LiveModelReview.Situation(
            champion: production.id, championSince: installed?.at ?? production.createdAt, previous: installed?.from,
            challengers: try models.challengers(asset: asset).map(\.id))
        let returns = try reviewReturns.returns(asset: asset, models: [situation.champion] + (situation.previous.map { [$0] } ?? [])
                                                    + situation.challengers,
                                                from: now - reviewLookback, store: predictions)
        switch review.decide(situation, returns: returns, now: now) {
        case .keep(let why):
            return "keep: \(why)"
        case .promote(let id, let detail):
            do {
                try registry.promote(id, reason: .promotion, detail: detail)
            } catch let e as ModelRegistry.RegistryError {
                logger.warning("live promotion refused", metadata: ["asset": "\(asset)", "model": "\(id)", "error": "\(e)"])
                return "promotion of \(id) refused: \(e)"
            }
            logger.notice("challenger promoted", metadata: ["asset": "\(asset)", "model": "\(id)", "evidence": "\(detail)"])
            return "promoted \(id): \(detail)"
        case .rollback(let id, let detail):
            do {
                try registry.rollback(asset: asset, detail: detail)
            } catch let e as ModelRegistry.RegistryError {
                logger.warning("live rollback refused", metadata: ["asset": "\(asset)", "error": "\(e)"])
                return "rollback refused: \(e)"
            }
            logger.notice("champion rolled back", metadata: ["asset": "\(asset)", "to": "\(id)", "evidence": "\(detail)"])
            return "rolled back to \(id): \(detail)"
        }
    }
}
