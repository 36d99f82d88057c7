public import Domain
import Foundation
import Hashing
import Logging

/// The inference pipeline (design.md §2): for each asset, the newest complete feature row is
/// run through the production bundle and, in shadow, every shadow model; one prediction per
/// asset, model version and 5-minute bar is stored (a second run for the same bar stores
/// nothing: the store's unique (asset, model, bar) key makes it idempotent).
///
/// Times: a row's bar opens at `bar_time` and its price (the close) is known at
/// `bar_time + 5 min`; the target is the close `horizon` later, so
/// `target_time = bar_time + 5 min + horizon` (30 min for v1) — the same instant the
/// training target `ln(close[t+6] / close[t])` refers to.
public struct InferencePipeline: Pipeline {
    public let kind = PipelineKind.inference
    let features: any FeatureStore
    let predictions: any PredictionStore
    let models: any ModelStore
    public let cache: ModelBundleCache
    public let latest: LatestPredictions
    let clock: any WallClock
    let ids: ULIDGenerator
    let events: any EventPublisher
    let featureSet: FeatureSetVersion

    public init(features: any FeatureStore, predictions: any PredictionStore, models: any ModelStore,
                cache: ModelBundleCache, latest: LatestPredictions, clock: any WallClock, ids: ULIDGenerator,
                events: any EventPublisher = NoEventPublisher(), featureSet: FeatureSetVersion = .v1) {
        self.features = features; self.predictions = predictions; self.models = models; self.cache = cache
        self.latest = latest; self.clock = clock; self.ids = ids; self.events = events; self.featureSet = featureSet
    }

    /// What one asset's inference did.
    public struct AssetReport: Sendable, Equatable {
        public var barTime: Timestamp?
        public var created = 0
        public var existing = 0
        public var shadowModels = 0
        public var refused: [String] = []
        public var skipped: String?
        public var seconds = 0.0

        public var json: JSONValue {
            .object([
                ("bar_time", barTime.map { .string($0.rfc3339) } ?? .null),
                ("created", .number(Double(created))), ("existing", .number(Double(existing))),
                ("shadow_models", .number(Double(shadowModels))),
                ("refused", .array(refused.map { .string($0) })),
                ("skipped", skipped.map { .string($0) } ?? .null),
                ("seconds", .number(seconds)),
            ])
        }
    }

    public func run(_ context: RunContext) throws -> JSONValue {
        var reports: [(String, JSONValue)] = []
        var failures: [any Error] = []
        for (i, asset) in context.assets.enumerated() {
            try context.checkpoint()
            do {
                let report = try predict(asset: asset)
                reports.append((asset.rawValue, report.json))
                context.logger.info("inference", metadata: [
                    "asset": "\(asset)", "created": "\(report.created)", "existing": "\(report.existing)",
                    "shadow_models": "\(report.shadowModels)", "skipped": "\(report.skipped ?? "-")",
                    "ms": "\(Int(report.seconds * 1000))"])
            } catch let e as PipelineError where context.assets.count > 1 {
                // One asset's refused model must not stop the others' predictions.
                failures.append(e)
                reports.append((asset.rawValue, .object([("error", .string(e.description))])))
            }
            context.progress(Double(i + 1) / Double(max(1, context.assets.count)))
        }
        if !failures.isEmpty, failures.count == context.assets.count, let first = failures.first { throw first }
        return .object([("assets", .object(reports))])
    }

    /// Predicts for one asset from its newest complete feature row.
    public func predict(asset: AssetID) throws -> AssetReport {
        let start = ContinuousClock.now
        var report = AssetReport()
        guard let bundle = try cache.bundle(asset: asset) else {
            report.skipped = "no production model"
            try latest.warm(from: predictions, models: models, assets: [asset])
            report.seconds = (ContinuousClock.now - start).inferenceSeconds
            return report
        }
        report.shadowModels = bundle.shadows.count
        report.refused = bundle.refused.map { "\($0.id): \($0.reason)" }
        guard let row = try features.latestRow(asset: asset, featureSet: featureSet.name), row.isComplete else {
            report.skipped = "no complete feature row yet"
            report.seconds = (ContinuousClock.now - start).inferenceSeconds
            return report
        }
        report.barTime = row.time
        let hash = Self.featuresSHA256(row.values)
        let now = clock.now()
        let target = row.time + BarGrid.step + featureSet.horizon
        var made: [(prediction: Prediction, modelCreatedAt: Timestamp)] = []
        for (shadow, b) in [(false, bundle.champion)] + bundle.shadows.map({ (true, $0) }) {
            let e = try b.evaluate(raw: row.values)
            let model = b.regressor.version
            made.append((Prediction(id: ids.next(), asset: asset, modelID: model.id, modelFamily: model.family, shadow: shadow,
                                    featureSet: featureSet.name, featuresSHA256: hash, madeAt: now, barTime: row.time,
                                    targetTime: target, price: row.close, predictedReturn: e.predictedReturn,
                                    predictedPrice: row.close * exp(e.predictedReturn), direction: e.direction,
                                    confidence: e.confidence, regime: e.regime, modelSkill: model.metrics.skill,
                                    validation: .pending), model.createdAt))
        }
        // Every model's prediction of this bar in one transaction: one fsync, not one per model.
        let stored = try predictions.insertAll(made.map(\.prediction))
        for (result, m) in zip(stored, made) {
            if result.inserted {
                report.created += 1
                events.publish(.predictionCreated(result.prediction))
            } else {
                report.existing += 1
            }
            if !result.prediction.shadow { latest.offer(result.prediction, modelCreatedAt: m.modelCreatedAt) }
        }
        report.seconds = (ContinuousClock.now - start).inferenceSeconds
        return report
    }

    /// Lower-case hex SHA-256 of the feature vector as little-endian IEEE-754 doubles.
    public static func featuresSHA256(_ values: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 8)
        for v in values {
            let bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return SHA256.hex(bytes)
    }
}

extension Duration {
    var inferenceSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
