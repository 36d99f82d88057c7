public import HTTPServer
public import Domain

/// Market data routes: assets, the latest price, OHLCV history, feature rows, sources.
/// Every answer says how fresh its data is.
public struct MarketRoutes: Sendable {
    public var assets: AssetCatalog
    public var prices: any PriceStore
    public var features: any FeatureStore
    public var models: any ModelStore
    public var sources: @Sendable () -> [MarketSourceStatus]
    /// Gaps found and backfilled per source name, counted by the feature pipeline.
    public var gaps: @Sendable () -> (found: Int, backfilled: Int)
    public var clock: any WallClock
    public var featureSet: FeatureSetVersion
    public var freshness: Freshness.Policy

    public init(assets: AssetCatalog, prices: any PriceStore, features: any FeatureStore, models: any ModelStore,
                sources: @escaping @Sendable () -> [MarketSourceStatus],
                gaps: @escaping @Sendable () -> (found: Int, backfilled: Int) = { (0, 0) }, clock: any WallClock,
                featureSet: FeatureSetVersion = .v1, freshness: Freshness.Policy = Freshness.Policy()) {
        self.assets = assets; self.prices = prices; self.features = features; self.models = models
        self.sources = sources; self.gaps = gaps; self.clock = clock; self.featureSet = featureSet; self.freshness = freshness
    }

    public func register(on router: inout Router) {
        let r = self
        router.get("/v1/assets") { request in try r.listAssets(request) }
        router.get("/v1/assets/{asset}/price") { request in try r.latestPrice(request) }
        router.get("/v1/assets/{asset}/prices") { request in try r.pricePage(request) }
        router.get("/v1/assets/{asset}/features") { request in try r.featurePage(request) }
        router.get("/v1/sources") { request in r.sourceList(request) }
    }

    func freshness(asset: AssetID, now: Timestamp) throws -> (Freshness, Bar?) {
        let latest = try prices.latestBar(asset: asset)
        let model = try models.production(asset: asset, featureSet: featureSet.name)
        return (Freshness(now: now, dataTime: latest?.closeTime, modelTime: model?.createdAt, policy: freshness), latest)
    }

    func listAssets(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now()
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.key("items"); w.beginArray()
        for a in assets.all {
            let latest = try prices.latestBar(asset: a.id)
            let model = try models.production(asset: a.id, featureSet: featureSet.name)
            w.beginObject()
            w.field("id", a.id.rawValue)
            w.field("symbol", a.symbol)
            w.field("name", a.name)
            w.field("price", latest?.close)
            w.field("price_time", latest?.closeTime)
            w.key("production_model")
            if let model { w.modelSummary(model) } else { w.null() }
            Freshness(now: now, dataTime: latest?.closeTime, modelTime: model?.createdAt, policy: freshness).write(to: &w)
            w.endObject()
        }
        w.endArray()
        w.field("next_cursor", nil as String?)
        w.field("as_of", now)
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func latestPrice(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let now = clock.now()
        let (fresh, latest) = try freshness(asset: asset.id, now: now)
        guard let latest else {
            throw APIProblem.notFound(resource: "price for \(asset.id)", id: "latest")
        }
        let dayAgo = try prices.bar(asset: asset.id, nearest: latest.time - .hours(24), within: .minutes(5))
        var w = JSONWriter()
        w.beginObject()
        w.field("asset", asset.id.rawValue)
        w.field("price", latest.close)
        w.field("time", latest.closeTime)
        w.field("bar_time", latest.time)
        w.field("change_24h", dayAgo.map { latest.close / $0.close - 1 })
        w.field("change_24h_percent", dayAgo.map { (latest.close / $0.close - 1) * 100 })
        w.field("price_24h_ago", dayAgo?.close)
        w.markStable()
        fresh.write(to: &w)
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func pricePage(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let codec = CursorCodec(scope: "prices:\(asset.id)")
        let query = try request.pageQuery(codec)
        let page = try prices.barPage(asset: asset.id, query: query)
        let now = clock.now()
        let (fresh, _) = try freshness(asset: asset.id, now: now)
        var w = JSONWriter(capacity: 96 * page.items.count + 256)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: now, freshness: fresh) { w in
            for b in page.items { w.bar(b) }
        }
        return ConditionalGET.respond(request, w)
    }

    func featurePage(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let codec = CursorCodec(scope: "features:\(asset.id)")
        let query = try request.pageQuery(codec)
        let page = try features.rowPage(asset: asset.id, featureSet: featureSet.name, query: query)
        let now = clock.now()
        let (fresh, _) = try freshness(asset: asset.id, now: now)
        var w = JSONWriter(capacity: 900 * page.items.count + 256)
        let columns = featureSet.columns
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: now, freshness: fresh) { w in
            for row in page.items { w.featureRow(row, columns: columns) }
        }
        return ConditionalGET.respond(request, w)
    }

    func sourceList(_ request: HTTPRequest) -> HTTPResponse {
        var w = JSONWriter()
        w.beginObject()
        w.key("items"); w.beginArray()
        let gapCounts = gaps()
        for s in sources() {
            w.beginObject()
            w.field("name", s.name)
            w.field("kind", s.virtualNow == nil ? "live" : "replay")
            w.field("calls_made", s.callsMade)
            w.field("retries", s.retries)
            w.field("budget_per_minute", s.budgetPerMinute)
            w.field("budget_remaining", s.budgetRemaining)
            w.field("last_success", s.lastSuccess)
            w.field("last_error", s.lastError)
            w.field("last_error_at", s.lastErrorAt)
            switch s.circuit {
            case .closed: w.field("circuit", "closed"); w.field("circuit_open_until", nil as Timestamp?)
            case .open(let until): w.field("circuit", "open"); w.field("circuit_open_until", until)
            case .halfOpen: w.field("circuit", "half_open"); w.field("circuit_open_until", nil as Timestamp?)
            }
            w.field("virtual_now", s.virtualNow)
            w.field("speed", s.speed)
            w.field("gaps_found", gapCounts.found)
            w.field("gaps_backfilled", gapCounts.backfilled)
            w.endObject()
        }
        w.endArray()
        w.field("as_of", clock.now())
        w.endObject()
        return ConditionalGET.respond(request, w)
    }
}
