public import Domain

/// What a simulation produced, read back from the store after the last tick: runs,
/// predictions and their outcomes, the scorecard of every model version, trainings,
/// changes of production, drift and alerts.
///
/// It holds no wall-clock time and lists everything in a fixed order, so two simulations
/// of the same range and data compare equal (and render to the same bytes).
public struct SimulationReport: Sendable, Hashable {
    public struct RunCounts: Sendable, Hashable {
        public var pipeline: String
        public var succeeded = 0
        public var failed = 0
        public var cancelled = 0
        public var total: Int { succeeded + failed + cancelled }
    }

    public struct ChangeOfProduction: Sendable, Hashable {
        public var asset: AssetID
        public var at: Timestamp
        public var from: ULID?
        public var to: ULID
        public var reason: String
        public var detail: String
    }

    public var assets: [AssetID]
    public var from: Timestamp
    public var to: Timestamp
    public var pipelines: [String]
    public var runs: [RunCounts]
    public var predictions = 0
    public var championPredictions = 0
    public var shadowPredictions = 0
    public var correct = 0
    public var incorrect = 0
    public var flat = 0
    public var pending = 0
    /// The champions' predictions (shadow ones excluded) against the baselines.
    public var champion: ModelScore?
    public var models: [ModelScore] = []
    public var trainings: RunCounts
    public var modelVersions = 0
    public var changes: [ChangeOfProduction] = []
    public var driftReports = 0
    public var driftDetected = 0
    public var driftTriggeredTrainings = 0
    public var alerts: [AlertCount] = []

    public var simulatedDays: Double { Double(to.milliseconds - from.milliseconds) / 86_400_000 }
    public var promotions: [ChangeOfProduction] { changes.filter { $0.reason != ProductionChangeReason.rollback.rawValue } }
    public var rollbacks: [ChangeOfProduction] { changes.filter { $0.reason == ProductionChangeReason.rollback.rawValue } }
    public var alertTotal: Int { alerts.reduce(0) { $0 + $1.total } }

    /// Reads the report back from `store` for the simulated range.
    public static func build(from store: any SimulationStore, settings: SimulationSettings,
                             pipelines: [PipelineKind]) throws -> SimulationReport {
        var report = SimulationReport(assets: settings.assets, from: settings.from, to: settings.to,
                                      pipelines: pipelines.map(\.rawValue), runs: [],
                                      trainings: RunCounts(pipeline: PipelineKind.training.rawValue))
        try report.readRuns(store)
        try report.readModels(store)
        try report.readPredictions(store, settings: settings)
        try report.readDrift(store)
        report.alerts = try store.summary(since: nil).sorted {
            ($0.kind.rawValue, $0.severity.rawValue) < ($1.kind.rawValue, $1.severity.rawValue)
        }
        return report
    }

    private mutating func readRuns(_ store: any SimulationStore) throws {
        var counts: [PipelineKind: RunCounts] = [:]
        var driftTriggered = 0
        try Self.each({ try store.runs(filter: RunFilter(), query: $0) }) { run in
            var c = counts[run.pipeline] ?? RunCounts(pipeline: run.pipeline.rawValue)
            switch run.status {
            case .succeeded: c.succeeded += 1
            case .failed: c.failed += 1
            case .cancelled: c.cancelled += 1
            case .queued, .running: break
            }
            counts[run.pipeline] = c
            if run.pipeline == .training, run.trigger == .drift { driftTriggered += 1 }
        }
        runs = PipelineKind.allCases.compactMap { counts[$0] }
        trainings = counts[.training] ?? RunCounts(pipeline: PipelineKind.training.rawValue)
        driftTriggeredTrainings = driftTriggered
    }

    private mutating func readModels(_ store: any SimulationStore) throws {
        var n = 0
        for asset in assets {
            try Self.each({ try store.versions(filter: ModelVersionFilter(asset: asset), query: $0) }) { _ in n += 1 }
            try Self.each({ try store.history(asset: asset, query: $0) }) { c in
                changes.append(ChangeOfProduction(asset: c.asset, at: c.at, from: c.from, to: c.to,
                                                  reason: c.reason.rawValue, detail: c.detail))
            }
        }
        modelVersions = n
        changes.sort { ($0.at, $0.to) < ($1.at, $1.to) }
    }

    private mutating func readPredictions(_ store: any SimulationStore, settings: SimulationSettings) throws {
        var accumulators: [ULID: ModelScoreAccumulator] = [:]
        var championAccumulator: ModelScoreAccumulator?
        for asset in assets {
            var closes: [Int64: Double] = [:]
            for bar in try store.bars(asset: asset, from: settings.from - .days(2), to: settings.to) {
                closes[bar.time.milliseconds] = bar.close
            }
            try Self.each({ try store.page(asset: asset, filter: PredictionFilter(), query: $0) }) { p in
                predictions += 1
                if p.shadow { shadowPredictions += 1 } else { championPredictions += 1 }
                switch p.validation.outcome {
                case .correct?: correct += 1
                case .incorrect?: incorrect += 1
                case .flat?: flat += 1
                case nil: pending += 1
                }
                let previous = closes[p.barTime.milliseconds - BarGrid.step.value]
                if accumulators[p.modelID] == nil {
                    let version = try store.version(id: p.modelID)
                    accumulators[p.modelID] = ModelScoreAccumulator(score: ModelScore(
                        modelID: p.modelID, asset: p.asset, family: p.modelFamily.rawValue,
                        stage: version?.stage.rawValue ?? "unknown", createdAt: version?.createdAt,
                        holdoutSkill: version?.metrics.skill))
                }
                accumulators[p.modelID]?.add(p, previousClose: previous)
                if !p.shadow {
                    if championAccumulator == nil {
                        championAccumulator = ModelScoreAccumulator(score: ModelScore(
                            modelID: p.modelID, asset: p.asset, family: "champion", stage: "production"))
                    }
                    championAccumulator?.add(p, previousClose: previous)
                }
            }
        }
        models = accumulators.values.map { $0.finish() }.sorted { ($0.asset.rawValue, $0.modelID) < ($1.asset.rawValue, $1.modelID) }
        champion = championAccumulator?.finish()
    }

    private mutating func readDrift(_ store: any SimulationStore) throws {
        for asset in assets {
            try Self.each({ try store.reports(asset: asset, query: $0) }) { r in
                driftReports += 1
                if r.detected { driftDetected += 1 }
            }
        }
    }

    /// Visits every item of a paged list.
    static func each<T>(_ page: (PageQuery) throws -> Page<T>, _ visit: (T) throws -> Void) throws {
        var query = PageQuery(limit: PageQuery.maximumLimit)
        while true {
            let p = try page(query)
            for item in p.items { try visit(item) }
            guard let next = p.nextCursor, !p.items.isEmpty else { return }
            query.cursor = next
        }
    }
}
