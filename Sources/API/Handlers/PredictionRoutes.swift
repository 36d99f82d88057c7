public import HTTPServer
public import Domain
public import Pipelines

/// The prediction ledger over HTTP: the latest prediction (from memory), history, one
/// prediction with its per-feature contributions, its replay, accuracy and the live scorecard.
///
/// History lists the champion's predictions by default; `shadow=true` lists only shadow ones,
/// `shadow=any` both; with `model=<id>` the default is `any` (that model, whatever its role).
public struct PredictionRoutes: Sendable {
    public var assets: AssetCatalog
    public var predictions: any PredictionStore
    public var prices: any PriceStore
    public var models: any ModelStore
    public var latest: LatestPredictions
    public var replayer: PredictionReplayer
    public var clock: any WallClock
    public var freshness: Freshness.Policy
    /// Rendered history pages, invalidated per asset when predictions are made or validated.
    public var pageCache: ResponseCache?
    /// `/predictions/latest` responses of the current millisecond, per asset.
    private let latestResponses = MillisecondResponseCache()
    /// ``cacheScope(_:)`` per served asset, built once rather than per request.
    private let scopes: [AssetID: String]

    public init(assets: AssetCatalog, predictions: any PredictionStore, prices: any PriceStore, models: any ModelStore,
                features: any FeatureStore, cache: ModelBundleCache, latest: LatestPredictions, clock: any WallClock,
                freshness: Freshness.Policy = Freshness.Policy()) {
        self.assets = assets; self.predictions = predictions; self.prices = prices; self.models = models
        self.latest = latest; self.replayer = PredictionReplayer(features: features, cache: cache)
        self.clock = clock; self.freshness = freshness
        scopes = Dictionary(assets.ids.map { ($0, Self.cacheScope($0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Registers the routes, installs the latest-cache renderer and warms the cache from the
    /// store, so the in-memory route is right from the first request after a restart.
    public func register(on router: inout Router) {
        latest.install { p, created in PredictionEncoding.latestStable(p, modelCreatedAt: created) }
        try? latest.warm(from: predictions, models: models, assets: assets.ids)
        let r = self
        router.get("/v1/assets/{asset}/predictions/latest", options: .inline) { req in try r.latestPrediction(req) }
        router.get("/v1/assets/{asset}/predictions", options: RouteOptions(inlineAttempt: { req in r.cachedPage(req) })) { req in
            try r.list(req)
        }
        router.get("/v1/assets/{asset}/accuracy") { req in try r.accuracy(req) }
        router.get("/v1/assets/{asset}/scorecard") { req in try r.scorecard(req) }
        router.get("/v1/predictions/{id}") { req in try r.show(req) }
        router.get("/v1/predictions/{id}/replay") { req in try r.replay(req) }
    }

    /// Memory only: the cached stable body, then freshness, then the closing brace.
    func latestPrediction(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        guard let entry = latest.entry(asset.id), !entry.stableBody.isEmpty else {
            throw APIProblem.notFound(resource: "prediction for \(asset.id)", id: "latest")
        }
        if let inm = request.headers["If-None-Match"], ConditionalGET.matches(inm, entry.etag) {
            return HTTPResponse(status: 304, headers: ["ETag": entry.etag, "Cache-Control": "no-cache"], body: .bytes([]))
        }
        let now = clock.now()
        // Only the freshness block varies, and only with the clock: reuse this millisecond's render.
        return latestResponses.response(key: asset.id.rawValue, version: entry.etag, now: now) {
            let p = entry.prediction
            let fresh = Freshness(now: now, dataTime: p.barTime + BarGrid.step, modelTime: entry.modelCreatedAt,
                                  needsModel: true, policy: freshness)
            var tail = JSONWriter(capacity: 192)
            tail.beginObject()
            fresh.write(to: &tail)
            tail.endObject()
            var body = entry.stableBody
            body.reserveCapacity(body.count + tail.bytes.count)
            body.append(UInt8(ascii: ","))
            body.append(contentsOf: tail.bytes.dropFirst())
            return HTTPResponse(status: 200, headers: ["ETag": entry.etag, "Cache-Control": "no-cache",
                                                       "Content-Type": "application/json"], body: .bytes(body))
        }
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        guard let pageCache else { return ConditionalGET.respond(request, try renderRequested(asset, request)) }
        return try pageCache.respond(request, scope: scope(asset.id)) { try renderRequested(asset, request) }
    }

    /// The page from the cache when it holds this exact target; run on the event loop before
    /// ``list(_:)`` is offloaded. Parameters need no checking: only valid targets get cached.
    func cachedPage(_ request: HTTPRequest) -> HTTPResponse? {
        guard let pageCache, let raw = request.pathParameters["asset"], let scope = scopes[AssetID(raw)] else {
            return nil
        }
        return pageCache.cached(request, scope: scope)
    }

    private func scope(_ asset: AssetID) -> String { scopes[asset] ?? Self.cacheScope(asset) }

    /// Parses the page's query parameters and renders it (400s for bad parameters).
    func renderRequested(_ asset: AssetDescriptor, _ request: HTTPRequest) throws -> JSONWriter {
        let codec = CursorCodec(scope: "predictions:\(asset.id)")
        let query = try request.pageQuery(codec)
        let outcome = try request.query.parse("outcome", { PredictionOutcomeFilter(rawValue: $0) },
                                              expected: "pending, correct, incorrect or flat")
        let model = try request.query.parse("model", { ULID($0) }, expected: "a model id (a 26-character ULID)")
        let role = try request.query.parse("shadow", { ["true", "false", "any"].contains($0) ? $0 : nil },
                                           expected: "true, false or any")
        let shadow: Bool?
        switch role {
        case "true": shadow = true
        case "false": shadow = false
        case "any": shadow = nil
        default: shadow = model == nil ? false : nil
        }
        return try renderPage(asset, PredictionFilter(outcome: outcome, modelID: model, shadow: shadow), query, codec)
    }

    /// The cache scope of an asset's prediction pages (invalidate it when they change).
    public static func cacheScope(_ asset: AssetID) -> String { "predictions:\(asset)" }

    func renderPage(_ asset: AssetDescriptor, _ filter: PredictionFilter, _ query: PageQuery,
                    _ codec: CursorCodec) throws -> JSONWriter {
        let page = try predictions.page(asset: asset.id, filter: filter, query: query)
        var stages: [ULID: ModelStage] = [:]
        for id in Set(page.items.map(\.modelID)) { stages[id] = try models.version(id: id)?.stage }
        let now = clock.now()
        let newest = try prices.latestBar(asset: asset.id)
        let production = try models.production(asset: asset.id, featureSet: FeatureSetVersion.v1.name)
        let fresh = Freshness(now: now, dataTime: newest?.closeTime, modelTime: production?.createdAt, needsModel: true,
                              policy: freshness)
        var w = JSONWriter(capacity: 900 * page.items.count + 256)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: now, freshness: fresh) { w in
            for p in page.items { w.prediction(p, stage: stages[p.modelID]) }
        }
        return w
    }

    func stored(_ request: HTTPRequest) throws -> Prediction {
        let id = try request.ulidParameter(of: "prediction")
        guard let p = try predictions.prediction(id: id) else { throw APIProblem.notFound(resource: "prediction", id: id.string) }
        return p
    }

    func show(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try stored(request)
        let stage = try models.version(id: p.modelID)?.stage
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.predictionFields(p, stage: stage)
        w.key("explanation")
        do {
            let e = try replayer.explain(p)
            w.beginObject()
            w.field("method", p.modelFamily == .ridge ? "linear_shap" : "tree_shap")
            w.field("space", "standardised features")
            w.field("expected_value", e.expectedValue)
            w.field("prediction", e.prediction)
            w.field("sum", e.expectedValue + e.contributions.reduce(0) { $0 + $1.contribution })
            w.field("additive", e.additive)
            w.key("contributions"); w.beginArray()
            for c in e.contributions.sorted(by: { abs($0.contribution) > abs($1.contribution) }) {
                w.beginObject()
                w.field("feature", c.feature)
                w.field("value", c.value)
                w.field("contribution", c.contribution)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        } catch {
            // The ledger entry stays readable when its model bytes were pruned or its row is gone.
            w.beginObject(); w.field("error", "\(error)"); w.endObject()
        }
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func replay(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try stored(request)
        let r: PredictionReplayer.Replay
        do { r = try replayer.replay(p) } catch let e as PredictionReplayer.ReplayError {
            throw APIProblem.conflict("Prediction \(p.id) cannot be replayed: \(e).")
        }
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.field("id", p.id.string)
        w.field("model_id", p.modelID.string)
        w.field("bar_time", p.barTime)
        w.field("identical", r.identical)
        w.key("stored"); w.beginObject()
        w.field("predicted_return", p.predictedReturn)
        w.field("predicted_price", p.predictedPrice)
        w.field("direction", p.direction.rawValue)
        w.field("features_sha256", p.featuresSHA256)
        w.endObject()
        w.key("recomputed"); w.beginObject()
        w.field("predicted_return", r.predictedReturn)
        w.field("predicted_price", r.predictedPrice)
        w.field("direction", r.direction.rawValue)
        w.field("features_sha256", r.featuresSHA256)
        w.endObject()
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func accuracy(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let last = try request.query.int("last", default: 20, range: 1...10_000) ?? 20
        let champion = try predictions.validated(asset: asset.id, modelID: nil, since: Timestamp(milliseconds: 0))
            .filter { !$0.shadow }
        let scored = try ScoredPredictionLoader(prices: prices).scored(champion)
        let pending = try predictions.page(asset: asset.id, filter: PredictionFilter(outcome: .pending, shadow: false),
                                           query: PageQuery(limit: PageQuery.maximumLimit)).items.count
        let now = clock.now()
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.field("asset", asset.id.rawValue)
        w.field("last_n", last)
        w.key("last"); w.scoreStats(ScoreStats(scored.suffix(last)))
        w.key("overall"); w.scoreStats(ScoreStats(scored))
        w.field("pending", pending)
        w.field("pending_capped", pending >= PageQuery.maximumLimit)
        w.markStable()
        w.field("as_of", now)
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func scorecard(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let now = clock.now()
        let all = try predictions.validated(asset: asset.id, modelID: nil, since: Timestamp(milliseconds: 0))
        let scored = try ScoredPredictionLoader(prices: prices).scored(all)
        let production = try models.production(asset: asset.id, featureSet: FeatureSetVersion.v1.name)
        let challengers = try models.challengers(asset: asset.id)
        let order = (production.map { [$0.id] } ?? []) + challengers.map(\.id)
        let card = Scorecard(predictions: scored, now: now, modelOrder: order)
        var w = JSONWriter(capacity: 2048 * max(1, card.models.count))
        w.beginObject()
        w.field("asset", asset.id.rawValue)
        w.field("champion", production?.id.string)
        w.key("models"); w.beginArray()
        for m in card.models {
            let version = try models.version(id: m.modelID)
            w.beginObject()
            w.field("model_id", m.modelID.string)
            w.field("family", version?.family.rawValue)
            w.field("stage", version?.stage.rawValue)
            w.field("role", m.modelID == production?.id ? "champion" : (version?.stage == .challenger ? "challenger" : "former"))
            w.key("windows"); w.beginObject()
            for (window, stats) in m.windows { w.key(window.name); w.scoreStats(stats) }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.markStable()
        w.field("as_of", now)
        w.endObject()
        return ConditionalGET.respond(request, w)
    }
}
