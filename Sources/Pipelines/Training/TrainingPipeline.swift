public import Domain
import Learning
import Foundation
import Logging
import Synchronization

/// The training pipeline (design.md §2): for each asset, train every family on the
/// training window, evaluate on a purged hold-out against persistence, register every model
/// as an immutable version, make the winner the challenger (or production when there is
/// none), and point the drift reference at the training window.
///
/// It never deletes predictions and never blocks serving: it reads rows, fits in memory,
/// and writes versions in short transactions.
public struct TrainingPipeline: Pipeline {
    public let kind = PipelineKind.training
    let features: any FeatureStore
    let registry: ModelRegistry
    let clock: any WallClock
    let ids: ULIDGenerator
    let trainer: ModelTrainer
    /// Rows of the last `window` with known targets are trained on.
    let window: Milliseconds
    let minimumRows: Int
    /// How many challengers stay in shadow; older ones are archived.
    let keepChallengers: Int
    /// Artifacts kept per asset by retention (metadata is kept forever); nil keeps all.
    let keepArtifacts: Int?

    public static let driftReferenceKey = "drift-reference.v1"

    public init(features: any FeatureStore, registry: ModelRegistry, clock: any WallClock, ids: ULIDGenerator,
                trainer: ModelTrainer = ModelTrainer(), window: Milliseconds = .days(7), minimumRows: Int = 200,
                keepChallengers: Int = 3, keepArtifacts: Int? = 50) {
        self.features = features; self.registry = registry; self.clock = clock; self.ids = ids; self.trainer = trainer
        self.window = window; self.minimumRows = minimumRows; self.keepChallengers = keepChallengers
        self.keepArtifacts = keepArtifacts
    }

    public func run(_ context: RunContext) throws -> JSONValue {
        var reports: [(String, JSONValue)] = []
        var failures: [PipelineError] = []
        for (i, asset) in context.assets.enumerated() {
            try context.checkpoint()
            do {
                reports.append((asset.rawValue, try train(asset, run: context.run, logger: context.logger)))
            } catch let e as PipelineError where context.assets.count > 1 {
                // One asset short of data must not stop the others from training.
                failures.append(e)
                reports.append((asset.rawValue, .object([("error", .string(e.description))])))
            }
            context.progress(Double(i + 1) / Double(max(1, context.assets.count)))
        }
        if !failures.isEmpty && failures.count == context.assets.count, let first = failures.first { throw first }
        return .object([("assets", .object(reports))])
    }

    func train(_ asset: AssetID, run: Run, logger: Logger) throws -> JSONValue {
        let now = clock.now()
        let fs = FeatureSetVersion.v1
        let rows = try features.rows(asset: asset, featureSet: fs.name, from: now - window, to: now,
                                     selection: .completeWithTargets)
        guard rows.count >= minimumRows else {
            throw PipelineError.insufficientData(asset: asset, have: rows.count, need: minimumRows)
        }
        guard let first = rows.first, let last = rows.last else {
            throw PipelineError.insufficientData(asset: asset, have: 0, need: minimumRows)
        }
        let x = Matrix(rows: rows.count, columns: fs.columns.count, values: rows.flatMap(\.values))
        let y = rows.map { $0.targets?.targetLogReturn ?? 0 }
        let direction = rows.map { $0.targets?.targetDirection ?? 0 }
        let volatilityColumn = fs.columns.firstIndex(of: "volatility") ?? 0
        // Deterministic per asset and window, so a simulation replays identically.
        let seed = UInt64(bitPattern: last.time.milliseconds) ^ UInt64(asset.rawValue.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) })
        let outcome = try trainer.train(x: x, y: y, direction: direction, volatilityColumn: volatilityColumn, seed: seed)
        let trainWindow = TrainingWindow(from: first.time, to: last.time, trainRows: outcome.split.train.count,
                                         holdoutRows: outcome.split.holdout.count)

        // Companions first, so the regressors can name them in their bundle. Versions are
        // written together once every artifact is encoded (see `commit`).
        var pending: [PendingVersion] = []
        let classifierID = stage(&pending, asset: asset, payload: .directionClassifier(outcome.classifier), scaler: outcome.scaler,
                                        window: trainWindow, hyperparameters: .object([
                                            ("trees", .number(Double(trainer.classifier.treeCount))),
                                            ("max_depth", .number(Double(trainer.classifier.maxDepth))),
                                            ("learning_rate", .number(trainer.classifier.learningRate)),
                                            ("holdout_accuracy", .number(outcome.classifierMetrics.accuracy)),
                                            ("holdout_roc_auc", outcome.classifierMetrics.rocAUC.map { .number($0) } ?? .null)]),
                                        metrics: persistenceOnly(outcome), importance: outcome.classifier.featureImportance)
        let regimesID = stage(&pending, asset: asset, payload: .regimes(outcome.regimes), scaler: outcome.scaler, window: trainWindow,
                                     hyperparameters: .object([("components", .number(5)), ("clusters", .number(4))]),
                                     metrics: persistenceOnly(outcome), importance: [])
        let bundle: JSONValue = .object([("direction_classifier", .string(classifierID.string)), ("regimes", .string(regimesID.string))])

        var familyReports: [JSONValue] = []
        var winnerID: ULID?
        let winnerFamily = outcome.winner?.family
        for c in outcome.candidates {
            var hp = c.hyperparameters
            if case .object(var fields) = hp { fields.append(("bundle", bundle)); hp = .object(fields) }
            let id = stage(&pending, asset: asset, payload: c.payload, scaler: outcome.scaler, window: trainWindow,
                                  hyperparameters: hp, metrics: c.metrics, importance: c.importance)
            if c.family == winnerFamily { winnerID = id }
            familyReports.append(.object([
                ("family", .string(c.family.rawValue)), ("model_id", .string(id.string)),
                ("rmse", .number(c.metrics.rmse)), ("mae", .number(c.metrics.mae)), ("r2", .number(c.metrics.r2)),
                ("directional_accuracy", .number(c.metrics.directionalAccuracy)), ("skill", .number(c.metrics.skill)),
                ("beats_baseline", .bool(c.metrics.beatsBaseline)), ("fit_seconds", .number(c.fitSeconds))]))
        }
        try commit(pending, run: run)

        var promotion: JSONValue = .null
        if let winnerID {
            if try registry.models.production(asset: asset, featureSet: fs.name) == nil {
                try registry.promote(winnerID, reason: .training, detail: "first model of \(asset): best hold-out RMSE of run \(run.id)")
                promotion = .string("production")
            } else {
                try registry.models.setStage(id: winnerID, stage: .challenger)
                promotion = .string("challenger")
                for old in try registry.models.challengers(asset: asset).dropFirst(keepChallengers) {
                    try registry.models.setStage(id: old.id, stage: .archived)
                }
            }
        }
        if let keepArtifacts { _ = try registry.models.pruneArtifacts(keepPerAsset: keepArtifacts) }

        let reference = try JSONEncoder().encode(DriftReference(from: first.time, to: last.time, modelID: winnerID,
                                                                trainedAt: clock.now()))
        try features.setPipelineState(asset: asset, key: Self.driftReferenceKey, bytes: [UInt8](reference))

        logger.info("trained", metadata: ["asset": "\(asset)", "rows": "\(rows.count)",
                                          "winner": "\(winnerFamily?.rawValue ?? "none")",
                                          "seconds": "\(outcome.totalSeconds)"])
        return .object([
            ("rows", .number(Double(rows.count))), ("train_rows", .number(Double(trainWindow.trainRows))),
            ("holdout_rows", .number(Double(trainWindow.holdoutRows))),
            ("window", .object([("from", .string(first.time.rfc3339)), ("to", .string(last.time.rfc3339))])),
            ("families", .array(familyReports)),
            ("winner", winnerFamily.map { .string($0.rawValue) } ?? .null),
            ("winner_model_id", winnerID.map { .string($0.string) } ?? .null),
            ("winner_stage", promotion),
            ("classifier", .object([("model_id", .string(classifierID.string)),
                                    ("accuracy", .number(outcome.classifierMetrics.accuracy)),
                                    ("f1", .number(outcome.classifierMetrics.f1)),
                                    ("log_loss", .number(outcome.classifierMetrics.logLoss))])),
            ("regimes_model_id", .string(regimesID.string)),
            ("seconds", .number(outcome.totalSeconds)),
        ])
    }

    private func persistenceOnly(_ o: ModelTrainer.Outcome) -> ModelMetrics {
        o.candidates.first { $0.family == .persistence }?.metrics
            ?? ModelMetrics(rmse: 0, mae: 0, r2: 0, directionalAccuracy: 0, skill: 0, persistenceRMSE: 0)
    }

    /// A model of this run waiting for its artifact to be encoded and written.
    private struct PendingVersion {
        var id: ULID
        var asset: AssetID
        var payload: ModelPayload
        var scaler: StandardScaler
        var window: TrainingWindow
        var hyperparameters: JSONValue
        var metrics: ModelMetrics
        var importance: [Double]
    }

    /// Names a model of this run (ids in registration order) and queues it for `commit`.
    private func stage(_ pending: inout [PendingVersion], asset: AssetID, payload: ModelPayload, scaler: StandardScaler,
                       window: TrainingWindow, hyperparameters: JSONValue, metrics: ModelMetrics, importance: [Double]) -> ULID {
        let id = ids.next()
        pending.append(PendingVersion(id: id, asset: asset, payload: payload, scaler: scaler, window: window,
                                      hyperparameters: hyperparameters, metrics: metrics, importance: importance))
        return id
    }

    /// Encodes every queued artifact (on all cores: a forest's is about a megabyte) and writes
    /// the versions in one transaction, so a run's models appear together or not at all.
    private func commit(_ pending: [PendingVersion], run: Run) throws {
        let fs = FeatureSetVersion.v1
        let encoded = Mutex([Result<ModelArtifact.Encoded, any Error>?](repeating: nil, count: pending.count))
        DispatchQueue.concurrentPerform(iterations: pending.count) { i in
            let p = pending[i]
            let result = Result {
                try ModelArtifact(featureSet: fs.name, columns: fs.columns, scaler: p.scaler, payload: p.payload).encoded()
            }
            encoded.withLock { $0[i] = result }
        }
        let now = clock.now()
        let versions = try zip(pending, encoded.withLock { $0 }).map { p, result -> (version: ModelVersion, artifact: [UInt8]) in
            guard let artifact = try result?.get() else { throw PipelineError.invalidInput("model \(p.id) was not encoded") }
            let ranked = zip(fs.columns, p.importance).map { FeatureImportance(feature: $0, importance: $1) }
                .sorted { $0.importance > $1.importance }
            let version = ModelVersion(id: p.id, asset: p.asset, family: p.payload.family, featureSet: fs.name, stage: .candidate,
                                       createdAt: now, window: p.window, hyperparameters: p.hyperparameters, metrics: p.metrics,
                                       sha256: artifact.sha256, artifactFormat: ModelArtifact.currentFormat,
                                       featureImportance: ranked, runID: run.id)
            return (version, artifact.bytes)
        }
        try registry.models.registerAll(versions)
    }
}

/// The window drift compares recent rows against: the last training window of the asset.
public struct DriftReference: Sendable, Codable, Equatable {
    public var from: Timestamp
    public var to: Timestamp
    public var modelID: ULID?
    /// When the training that stored this reference ran; the drift cool-down counts from it.
    /// nil in references stored before it was recorded.
    public var trainedAt: Timestamp?

    public init(from: Timestamp, to: Timestamp, modelID: ULID?, trainedAt: Timestamp? = nil) {
        self.from = from; self.to = to; self.modelID = modelID; self.trainedAt = trainedAt
    }
}
