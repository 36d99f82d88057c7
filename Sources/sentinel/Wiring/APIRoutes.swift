import API
import Domain
import HTTPServer
import Jobs
import MarketData
import Pipelines
import Storage

/// Composes the router from the API's route groups with this process's objects.
struct APIRoutes {
    let app: ServiceAssembly
    let workers: WorkerPool?
    let scheduler: Scheduler?
    let startedAt: Timestamp
    let keyring: APIKeyring
    let metrics: [@Sendable () -> String]
    let draining: DrainFlag
    var triggerLimit = 30
    /// How long a rendered prediction history page may be reused (0: never).
    var pageCacheSeconds = 1.0

    func router() -> Router {
        var router = Router()
        let app = self.app
        let draining = self.draining
        let store = app.store
        let clock = app.clock
        let assets = app.assets
        let policy = Freshness.Policy()

        let checks = [
            ReadinessCheck(name: "store", critical: true) { store.isReachable() ? nil : "the store does not answer" },
            ReadinessCheck(name: "draining", critical: true) { draining.isSet ? "shutting down" : nil },
            ReadinessCheck(name: "data_fresh", critical: false) {
                let now = clock.now()
                let stale = assets.ids.filter { a in
                    guard let bar = try? store.latestBar(asset: a) else { return true }
                    return now.milliseconds - bar.closeTime.milliseconds > policy.maxDataAge.value
                }
                return stale.isEmpty ? nil : "no fresh bars for \(stale.map(\.rawValue).joined(separator: ", "))"
            },
            ReadinessCheck(name: "model_loaded", critical: false) {
                let missing = assets.ids.filter { a in ((try? store.production(asset: a, featureSet: FeatureSetVersion.v1.name)) ?? nil) == nil }
                return missing.isEmpty ? nil : "no production model for \(missing.map(\.rawValue).joined(separator: ", "))"
            },
        ]
        let info = ServiceInfo(mode: app.modeName, source: app.source.name, clock: clock,
                               speed: app.replay?.clock.speed, replayStart: app.replay.map { _ in startedAt },
                               startedAt: startedAt, assets: assets.ids, featureSet: FeatureSetVersion.v1)
        SystemRoutes(checks: checks, metrics: metrics, document: info.document()).register(on: &router)

        let gaps = app.gapLedger
        let source = app.source
        var market = MarketRoutes(assets: assets, prices: store, features: store, models: store,
                                  sources: { [source.status] }, gaps: { gaps.totals }, clock: clock)
        market.pageCache = app.marketPages
        market.register(on: &router)

        RunRoutes(queue: app.queue, scheduler: scheduler, workers: workers, assets: assets, keyring: keyring,
                  limiter: TriggerRateLimiter(burst: max(10, triggerLimit / 3), perMinute: triggerLimit,
                                              clock: SystemWallClock()), clock: clock).register(on: &router)

        ModelRoutes(models: store, registry: app.registry, assets: assets, keyring: keyring, clock: clock).register(on: &router)
        MonitoringRoutes(drift: store, alerts: store, prices: store, assets: assets, clock: clock, freshness: policy).register(on: &router)
        if let inference = app.pipelines.lazy.compactMap({ $0 as? InferencePipeline }).first {
            var predictionRoutes = PredictionRoutes(assets: assets, predictions: store, prices: store, models: store,
                                                    features: store, cache: inference.cache, latest: inference.latest, clock: clock)
            if pageCacheSeconds > 0 {
                let pages = ResponseCache(maxAge: pageCacheSeconds)
                app.events.addListener { event in
                    switch event {
                    case .predictionCreated(let p), .predictionValidated(let p):
                        pages.invalidate(scope: PredictionRoutes.cacheScope(p.asset))
                    default: break
                    }
                }
                predictionRoutes.pageCache = pages
            }
            predictionRoutes.register(on: &router)
        }
        EventRoutes(bus: app.events).register(on: &router)
        return router
    }
}

/// The body of `GET /v1`.
struct ServiceInfo: Sendable {
    let mode: String
    let source: String
    let clock: any WallClock
    let speed: Double?
    let replayStart: Timestamp?
    let startedAt: Timestamp
    let assets: [AssetID]
    let featureSet: FeatureSetVersion

    /// Everything in the body is fixed for the process except `clock.now`: encode it once.
    func document() -> TimestampedDocument {
        TimestampedDocument(clock: clock) { w, now in write(to: &w, now: now) }
    }

    private func write(to w: inout JSONWriter, now: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.field("name", "sentinel")
        w.field("version", SentinelVersion.current)
        w.field("mode", mode)
        w.field("source", source)
        w.key("clock"); w.beginObject()
        w.key("now"); now(&w)
        w.field("virtual", mode == "replay")
        w.field("speed", speed)
        w.field("replay_start", replayStart)
        w.endObject()
        w.field("started_at", startedAt)
        w.key("assets"); w.beginArray(); for a in assets { w.value(a.rawValue) }; w.endArray()
        w.field("feature_set", featureSet.name)
        w.field("horizon_minutes", Int(featureSet.horizon.value / 60_000))
        w.key("links"); w.beginObject()
        w.field("openapi", "/openapi.yaml")
        w.field("assets", "/v1/assets")
        w.field("runs", "/v1/runs")
        w.field("models", "/v1/models")
        w.endObject()
        w.endObject()
    }
}
