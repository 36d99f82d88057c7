public import Domain
public import Logging

/// The alerts pipeline (design.md §2, alerts row), run after inference.
///
/// Per asset and rule (``AlertRules``): when the condition starts to hold an alert is
/// raised, stored, published (`.alertRaised`) and handed to the webhook dispatcher; while it
/// keeps holding nothing is repeated (``AlertStore/raise(_:)`` returns the open episode);
/// when it stops holding the episode is resolved. Escalation: an open `warning` episode whose
/// condition reaches `high` is resolved and a new `high` episode raised (and delivered); a
/// `high` episode that falls back to `warning` stays open as it is. A rule without the data
/// to decide (``AlertCondition/unknown``) leaves its episode untouched.
public struct AlertsPipeline: Pipeline {
    public let kind = PipelineKind.alerts

    let prices: any PriceStore
    let features: any FeatureStore
    let predictions: any PredictionStore
    let models: any ModelStore
    let alerts: any AlertStore
    /// The drift reports behind the `drift` alert; nil leaves that rule out.
    let drift: (any DriftStore)?
    let clock: any WallClock
    let ids: ULIDGenerator
    let rules: AlertRules
    let featureSet: FeatureSetVersion
    let events: any EventPublisher
    let dispatcher: WebhookDispatcher?
    /// How long a run waits at its end for its webhook deliveries (one-shot commands, whose
    /// process exits afterwards); zero in the server, where the dispatcher's thread lives on.
    let deliveryWait: Milliseconds

    public init(prices: any PriceStore, features: any FeatureStore, predictions: any PredictionStore,
                models: any ModelStore, alerts: any AlertStore, drift: (any DriftStore)? = nil, clock: any WallClock,
                ids: ULIDGenerator, thresholds: AlertThresholds = AlertThresholds(), featureSet: FeatureSetVersion = .v1,
                events: any EventPublisher = NoEventPublisher(), dispatcher: WebhookDispatcher? = nil,
                deliveryWait: Milliseconds = Milliseconds(0)) {
        self.prices = prices; self.features = features; self.predictions = predictions; self.models = models
        self.alerts = alerts; self.drift = drift; self.clock = clock; self.ids = ids; self.rules = AlertRules(thresholds: thresholds)
        self.featureSet = featureSet; self.events = events; self.dispatcher = dispatcher; self.deliveryWait = deliveryWait
    }

    /// What one evaluation did for one asset.
    public struct Outcome: Sendable, Equatable {
        public var raised: [Alert] = []
        public var resolved: [Alert] = []
        /// Kinds whose episode was already open and kept holding.
        public var ongoing: [AlertKind] = []
    }

    public func run(_ context: RunContext) throws -> JSONValue {
        var reports: [(String, JSONValue)] = []
        for (i, asset) in context.assets.enumerated() {
            try context.checkpoint()
            let o = try evaluate(asset, logger: context.logger)
            reports.append((asset.rawValue, .object([
                ("raised", .array(o.raised.map { .object([("id", .string($0.id.string)), ("kind", .string($0.kind.rawValue)),
                                                          ("severity", .string($0.severity.rawValue))]) })),
                ("resolved", .array(o.resolved.map { .string($0.id.string) })),
                ("ongoing", .array(o.ongoing.map { .string($0.rawValue) })),
            ])))
            context.progress(Double(i + 1) / Double(max(1, context.assets.count)))
        }
        var delivered: JSONValue = .null
        if let dispatcher, deliveryWait.value > 0 { delivered = .bool(dispatcher.waitUntilIdle(timeout: deliveryWait)) }
        return .object([("assets", .object(reports)), ("webhooks_idle", delivered)])
    }

    /// Evaluates every rule for one asset and updates its episodes.
    public func evaluate(_ asset: AssetID, logger: Logger) throws -> Outcome {
        let inputs = try gather(asset)
        var outcome = Outcome()
        for kind in AlertRules.kinds {
            let condition = rules.evaluate(kind, inputs)
            switch condition {
            case .unknown:
                continue
            case .clear:
                if let open = try alerts.openAlert(asset: asset, kind: kind), let done = try alerts.resolve(id: open.id, at: inputs.now) {
                    outcome.resolved.append(done)
                    logger.info("alert resolved", metadata: ["asset": "\(asset)", "kind": "\(kind.rawValue)", "alert": "\(open.id)"])
                }
            case .holds(let severity, let value, let threshold, let message):
                if let open = try alerts.openAlert(asset: asset, kind: kind) {
                    guard Self.rank(severity) > Self.rank(open.severity) else { outcome.ongoing.append(kind); continue }
                    if let done = try alerts.resolve(id: open.id, at: inputs.now) { outcome.resolved.append(done) }
                }
                let candidate = Alert(id: ids.next(), asset: asset, kind: kind, severity: severity, message: message,
                                      value: value, threshold: threshold, raisedAt: inputs.now)
                let (stored, raised) = try alerts.raise(candidate)
                guard raised else { outcome.ongoing.append(kind); continue }
                outcome.raised.append(stored)
                events.publish(.alertRaised(stored))
                dispatcher?.enqueue(stored)
                logger.notice("alert raised", metadata: ["asset": "\(asset)", "kind": "\(kind.rawValue)",
                                                         "severity": "\(severity.rawValue)", "alert": "\(stored.id)",
                                                         "message": "\(message)"])
            }
        }
        return outcome
    }

    func gather(_ asset: AssetID) throws -> AlertInputs {
        let now = clock.now()
        let latest = try prices.latestBar(asset: asset)
        var dayAgo: Bar?
        var window: [Bar] = []
        if let latest {
            dayAgo = try prices.bar(asset: asset, nearest: latest.time - .hours(24), within: .minutes(10))
            window = try prices.bars(asset: asset, from: latest.time - rules.thresholds.drawdownWindow, to: latest.time)
        }
        let production = try models.production(asset: asset, featureSet: featureSet.name)
        var due: Prediction?
        if let production {
            let page = try predictions.page(asset: asset, filter: PredictionFilter(modelID: production.id, shadow: false),
                                            query: PageQuery(limit: 64, from: now - rules.thresholds.predictionMaxAge - .hours(24)))
            due = page.items.first { $0.targetTime <= now }
        }
        return AlertInputs(now: now, latestBar: latest, dayAgoBar: dayAgo, windowBars: window,
                           latestFeatures: try features.latestRow(asset: asset, featureSet: featureSet.name),
                           volatilityIndex: featureSet.columns.firstIndex(of: "volatility"),
                           duePrediction: due, productionModel: production, latestDrift: try drift?.latest(asset: asset))
    }

    static func rank(_ s: AlertSeverity) -> Int {
        switch s {
        case .info: 0
        case .warning: 1
        case .high: 2
        }
    }
}
