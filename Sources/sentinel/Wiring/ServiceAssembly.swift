import API
import ArgumentParser
import Domain
import Foundation
import HTTPClient
import Jobs
import Logging
import MarketData
import Pipelines
import Storage

/// Builds the object graph every command shares: the store, the clock, the market source,
/// the run queue and the pipelines. The only place that knows every module.
struct ServiceAssembly {
    let store: SQLiteStore
    let clock: any WallClock
    let source: any MarketSource
    let replay: ReplaySource?
    let ids: ULIDGenerator
    let assets: AssetCatalog
    let queue: RunQueue
    let registry: ModelRegistry
    let pipelines: [any Pipeline]
    let gapLedger: GapLedger
    /// The event bus behind `/v1/events`; pipelines and the registry publish to it.
    let events: EventBus
    /// Rendered price and feature pages, invalidated when the feature pipeline stores bars
    /// (nil when page caching is off).
    let marketPages: ResponseCache?
    let logger: Logger

    enum ClockMode {
        /// The replay clock runs on its own at the configured speed (serve).
        case running
        /// The replay clock stands at the store's newest bar plus one bar (one-shot commands).
        case oneShot
    }

    /// `idSeed` makes every id reproducible (simulations); nil seeds from the system.
    static func make(global: GlobalOptions, sourceOptions: SourceOptions, clockMode: ClockMode,
                     logger: Logger, idSeed: UInt64? = nil, monitoring: MonitoringSettings? = nil,
                     pageCacheSeconds: Double = 0,
                     durability: SQLiteStore.Durability = .acknowledged) throws -> ServiceAssembly {
        let marketPages = pageCacheSeconds > 0 ? ResponseCache(maxAge: pageCacheSeconds) : nil
        let monitoring = try monitoring ?? MonitoringSettings.fromEnvironment()
        let store = try openStore(global.databasePath, logger: logger, durability: durability)
        let explicitAssets = try global.resolvedAssets()
        let clock: any WallClock
        let source: any MarketSource
        var replay: ReplaySource?
        var assetIDs: [AssetID]
        switch try sourceOptions.kind() {
        case .replay:
            let data = try sourceOptions.replayDataSet()
            let userListedAssets = !global.assets.isEmpty || Environment.string("SENTINEL_ASSETS") != nil
            assetIDs = userListedAssets ? explicitAssets.map { AssetID($0) } : data.assets
            for a in assetIDs where data.range(of: a) == nil {
                throw ValidationError("asset '\(a)' has no replay data (have: \(data.assets.map(\.rawValue).joined(separator: ", ")))")
            }
            // Without an explicit start, a restarted replay resumes where the store left off
            // instead of going back in time.
            let explicitStart = try sourceOptions.replayStartTime()
            var start = explicitStart ?? data.defaultStart
            let newest = try assetIDs.compactMap { try store.latestBar(asset: $0)?.closeTime }.max()
            if explicitStart == nil, let newest, newest > start { start = newest }
            let replayClock: ReplayClock
            switch clockMode {
            case .running:
                replayClock = ReplayClock(start: start, speed: try sourceOptions.replaySpeed())
            case .oneShot:
                if explicitStart == nil, let newest, newest >= start { start = newest + BarGrid.step }
                replayClock = ReplayClock.manual(start: start)
            }
            let r = ReplaySource(data: data, clock: replayClock)
            replay = r
            clock = replayClock
            source = r
        case .coingecko:
            assetIDs = explicitAssets.map { AssetID($0) }
            let system = SystemWallClock()
            clock = system
            source = CoinGeckoClient(configuration: try sourceOptions.coinGeckoConfiguration(), http: HTTPClient(),
                                     clock: system, logger: logger)
        }
        let ids = ULIDGenerator(clock: clock, seed: idSeed)
        let events = EventBus(log: store, ids: ULIDGenerator(clock: clock, seed: idSeed.map { $0 &+ 1 }), clock: clock,
                              logger: logger)
        let queue = RunQueue(store: store, ids: ids, clock: clock)
        let registry = ModelRegistry(models: store, clock: clock, ids: ids, onChange: { change in
            events.publish(change.reason == .rollback ? .modelRolledBack(change) : .modelPromoted(change))
        })
        let gapLedger = GapLedger()
        let latestPredictions = LatestPredictions()
        let pipelines: [any Pipeline] = [
            FeaturePipeline(source: source, prices: store, features: store, clock: clock, gapLedger: gapLedger,
                            onStored: { asset in
                                marketPages?.invalidate(scope: MarketRoutes.pricesScope(asset))
                                marketPages?.invalidate(scope: MarketRoutes.featuresScope(asset))
                            }),
            TrainingPipeline(features: store, registry: registry, clock: clock, ids: ids),
            InferencePipeline(features: store, predictions: store, models: store, cache: ModelBundleCache(models: store, logger: logger),
                              latest: latestPredictions, clock: clock, ids: ids, events: events),
            ValidationPipeline(predictions: store, prices: store, clock: clock, registry: registry, latest: latestPredictions,
                               events: events),
            DriftPipeline(features: store, drift: store, clock: clock, ids: ids, configuration: monitoring.drift, events: events,
                          enqueueTraining: { asset, reason in
                              try queue.trigger(.training, asset: asset, trigger: .drift, reason: reason).run.id
                          }),
            AlertsPipeline(prices: store, features: store, predictions: store, models: store, alerts: store, drift: store,
                           clock: clock, ids: ids,
                           thresholds: monitoring.thresholds, events: events,
                           dispatcher: monitoring.webhooks.isEmpty ? nil : WebhookDispatcher(
                               endpoints: monitoring.webhooks, secret: monitoring.secret, transport: CurlWebhookTransport(),
                               deliveries: store, clock: SystemWallClock(), ids: ULIDGenerator(clock: SystemWallClock()),
                               policy: monitoring.delivery, logger: logger),
                           deliveryWait: clockMode == .oneShot ? .seconds(60) : Milliseconds(0)),
        ]
        return ServiceAssembly(store: store, clock: clock, source: source, replay: replay, ids: ids,
                               assets: AssetCatalog(assetIDs.map(AssetDescriptor.known)), queue: queue,
                               registry: registry, pipelines: pipelines, gapLedger: gapLedger, events: events,
                               marketPages: marketPages, logger: logger)
    }

    static func openStore(_ path: String, logger: Logger,
                          durability: SQLiteStore.Durability = .acknowledged) throws -> SQLiteStore {
        do {
            return try SQLiteStore.open(path: path, durability: durability)
        } catch {
            throw ValidationError("cannot open the store at \(path): \(error)")
        }
    }

    func sourceStatuses() -> [MarketSourceStatus] { [source.status] }

    var modeName: String { replay == nil ? "live" : "replay" }
}
