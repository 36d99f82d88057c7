public import Domain
import Foundation
public import Logging

/// The drift pipeline (design.md §2, drift row), run after each feature run.
///
/// Per asset: the reference window is the asset's last training window (the
/// ``DriftReference`` training stores); the recent window the complete feature rows of the
/// last ``DriftConfiguration/recentWindow``. Every check stores a ``DriftReport``; a report
/// that detects drift publishes `.driftDetected`. `consecutive` counts detections in a row
/// against the same reference window (a new training resets it). When it reaches
/// ``DriftConfiguration/consecutiveForRetraining``, the asset was not trained within the
/// cool-down and no drift-triggered training was enqueued within it, the pipeline enqueues
/// one through `enqueueTraining` and links its run in the report. Without a reference (no training yet) the asset is skipped.
public struct DriftPipeline: Pipeline {
    public let kind = PipelineKind.drift
    /// Enqueues a training run for the asset with the given reason; returns its id (nil
    /// when nothing was enqueued). The wiring fills it with the run queue (trigger `drift`).
    public typealias TrainingTrigger = @Sendable (AssetID, String) throws -> ULID?

    let features: any FeatureStore
    let drift: any DriftStore
    let clock: any WallClock
    let ids: ULIDGenerator
    let configuration: DriftConfiguration
    let featureSet: FeatureSetVersion
    let events: any EventPublisher
    let enqueueTraining: TrainingTrigger
    let referenceCache = DriftReferenceCache()

    public init(features: any FeatureStore, drift: any DriftStore, clock: any WallClock, ids: ULIDGenerator,
                configuration: DriftConfiguration = DriftConfiguration(), featureSet: FeatureSetVersion = .v1,
                events: any EventPublisher = NoEventPublisher(), enqueueTraining: @escaping TrainingTrigger) {
        self.features = features; self.drift = drift; self.clock = clock; self.ids = ids
        self.configuration = configuration; self.featureSet = featureSet; self.events = events
        self.enqueueTraining = enqueueTraining
    }

    /// What one check of one asset did.
    public enum Check: Sendable, Equatable {
        case skipped(reason: String)
        case reported(DriftReport)
    }

    public func run(_ context: RunContext) throws -> JSONValue {
        var reports: [(String, JSONValue)] = []
        for (i, asset) in context.assets.enumerated() {
            try context.checkpoint()
            switch try check(asset, logger: context.logger) {
            case .skipped(let reason):
                reports.append((asset.rawValue, .object([("skipped", .bool(true)), ("reason", .string(reason))])))
            case .reported(let r):
                reports.append((asset.rawValue, Self.summary(r)))
            }
            context.progress(Double(i + 1) / Double(max(1, context.assets.count)))
        }
        return .object([("assets", .object(reports))])
    }

    /// Runs one check for one asset and stores its report.
    public func check(_ asset: AssetID, logger: Logger) throws -> Check {
        guard let referenceBytes = try features.pipelineState(asset: asset, key: TrainingPipeline.driftReferenceKey) else {
            return .skipped(reason: "no drift reference yet: the asset has not been trained")
        }
        let reference: DriftReference
        do {
            reference = try JSONDecoder().decode(DriftReference.self, from: Data(referenceBytes))
        } catch {
            return .skipped(reason: "the stored drift reference cannot be read: \(error)")
        }
        let now = clock.now()
        let referenceCount = try features.rowCount(asset: asset, featureSet: featureSet.name, from: reference.from,
                                                   to: reference.to, selection: .complete)
        guard referenceCount >= configuration.minimumReferenceRows else {
            return .skipped(reason: "reference window has \(referenceCount) complete rows, at least \(configuration.minimumReferenceRows) needed")
        }
        let recentRows = try features.rows(asset: asset, featureSet: featureSet.name, from: now - configuration.recentWindow,
                                           to: now, selection: .complete)
        guard recentRows.count >= configuration.minimumRecentRows, let recentFirst = recentRows.first,
              let recentLast = recentRows.last else {
            return .skipped(reason: "recent window has \(recentRows.count) complete rows, at least \(configuration.minimumRecentRows) needed")
        }

        let nonDeciding = featureSet.priceLevelColumns.union(configuration.extraNonDecidingColumns)
        let referenceColumns = try referenceCache.columns(asset: asset, reference: reference, featureSet: featureSet.name,
                                                          rowCount: referenceCount, width: featureSet.columns.count) {
            try features.rows(asset: asset, featureSet: featureSet.name, from: reference.from, to: reference.to,
                              selection: .complete)
        }
        let outcome = DriftAnalysis.compare(reference: referenceColumns, recent: recentRows, columns: featureSet.columns,
                                            nonDeciding: nonDeciding, significance: configuration.significance)
        if !outcome.skippedColumns.isEmpty {
            logger.warning("drift columns without data left out", metadata: [
                "asset": "\(asset)", "columns": "\(outcome.skippedColumns.joined(separator: ","))"])
        }
        let detected = configuration.detects(score: outcome.score, share: outcome.shareDrifted)
        let previous = try drift.latest(asset: asset)
        let sameReference = previous.map { $0.referenceFrom == reference.from && $0.referenceTo == reference.to } ?? false
        let consecutive = detected ? ((sameReference && previous?.detected == true) ? (previous?.consecutive ?? 0) + 1 : 1) : 0

        let id = ids.next()
        var triggered: ULID?
        if detected && consecutive >= configuration.consecutiveForRetraining {
            if let trainedAt = reference.trainedAt, trainedAt > now - configuration.cooldown {
                // The model was just refitted on a window ending now: another fit on nearly the
                // same rows cannot answer the drift; the schedule's next training will.
                logger.info("drift retraining in cool-down", metadata: [
                    "asset": "\(asset)", "report": "\(id)", "last_training": "\(trainedAt.rfc3339)"])
            } else if let last = try lastTriggered(asset: asset, since: now - configuration.cooldown) {
                logger.info("drift retraining in cool-down", metadata: [
                    "asset": "\(asset)", "report": "\(id)", "last_triggered_report": "\(last.id)"])
            } else {
                let reason = "drift report \(id): score \(Self.format(outcome.score)) >= \(Self.format(configuration.scoreThreshold)) on \(consecutive) consecutive checks"
                triggered = try enqueueTraining(asset, reason)
            }
        }
        let report = DriftReport(id: id, asset: asset, featureSet: featureSet.name, createdAt: now,
                                 referenceFrom: reference.from, referenceTo: reference.to,
                                 currentFrom: recentFirst.time, currentTo: recentLast.time, score: outcome.score,
                                 shareDrifted: outcome.shareDrifted, detected: detected, consecutive: consecutive,
                                 features: outcome.features, triggeredRunID: triggered)
        try drift.insert(report)
        if detected { events.publish(.driftDetected(report)) }
        logger.info("drift checked", metadata: [
            "asset": "\(asset)", "report": "\(id)", "score": "\(Self.format(outcome.score))",
            "share": "\(Self.format(outcome.shareDrifted))", "detected": "\(detected)", "consecutive": "\(consecutive)",
            "training_run": "\(triggered?.string ?? "none")"])
        return .reported(report)
    }

    /// The newest report since `since` that enqueued a training run.
    private func lastTriggered(asset: AssetID, since: Timestamp) throws -> DriftReport? {
        var query = PageQuery(limit: PageQuery.maximumLimit, from: since)
        while true {
            let page = try drift.reports(asset: asset, query: query)
            if let hit = page.items.first(where: { $0.triggeredRunID != nil }) { return hit }
            guard let next = page.nextCursor else { return nil }
            query.cursor = next
        }
    }

    static func summary(_ r: DriftReport) -> JSONValue {
        .object([
            ("report_id", .string(r.id.string)), ("score", .number(r.score)), ("share_drifted", .number(r.shareDrifted)),
            ("detected", .bool(r.detected)), ("consecutive", .number(Double(r.consecutive))),
            ("recent_rows_from", .string(r.currentFrom.rfc3339)), ("recent_rows_to", .string(r.currentTo.rfc3339)),
            ("training_run", r.triggeredRunID.map { .string($0.string) } ?? .null),
        ])
    }

    static func format(_ x: Double) -> String { String(format: "%.3f", x) }
}
