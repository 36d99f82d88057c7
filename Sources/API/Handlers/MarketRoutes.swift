public import HTTPServer
public import Domain
import Features

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
    /// Rendered price and feature pages (see ``ResponseCache``); nil renders every request.
    public var pageCache: ResponseCache?

    public static func pricesScope(_ asset: AssetID) -> String { "prices:\(asset)" }
    public static func featuresScope(_ asset: AssetID) -> String { "features:\(asset)" }

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
        router.get("/v1/assets/{asset}/analysis") { request in try r.analysis(request) }
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
        guard let pageCache else { return ConditionalGET.respond(request, try renderPrices(asset, query, codec)) }
        return try pageCache.respond(request, scope: Self.pricesScope(asset.id)) { try renderPrices(asset, query, codec) }
    }

    func renderPrices(_ asset: AssetDescriptor, _ query: PageQuery, _ codec: CursorCodec) throws -> JSONWriter {
        let page = try prices.barPage(asset: asset.id, query: query)
        let now = clock.now()
        let (fresh, _) = try freshness(asset: asset.id, now: now)
        var w = JSONWriter(capacity: 128 * page.items.count + 512)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: now, freshness: fresh) { w in
            for b in page.items { w.bar(b) }
        }
        return w
    }

    func featurePage(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let codec = CursorCodec(scope: "features:\(asset.id)")
        let query = try request.pageQuery(codec)
        guard let pageCache else { return ConditionalGET.respond(request, try renderFeatures(asset, query, codec)) }
        return try pageCache.respond(request, scope: Self.featuresScope(asset.id)) { try renderFeatures(asset, query, codec) }
    }

    func renderFeatures(_ asset: AssetDescriptor, _ query: PageQuery, _ codec: CursorCodec) throws -> JSONWriter {
        let page = try features.rowPage(asset: asset.id, featureSet: featureSet.name, query: query)
        let now = clock.now()
        let (fresh, _) = try freshness(asset: asset.id, now: now)
        var w = JSONWriter(capacity: 900 * page.items.count + 256)
        let columns = featureSet.columns
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: now, freshness: fresh) { w in
            for row in page.items { w.featureRow(row, columns: columns) }
        }
        return w
    }

    /// Trend against SMA 20 with ±2 % bands, z-score anomalies over 20 bars, and statistics
    /// over the last `hours` (default 24, up to 30 days) of stored bars.
    func analysis(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let hours = try request.query.int("hours", default: 24, range: 1...720) ?? 24
        let band = try request.query.double("band", default: 0.02, range: 0.001...0.5) ?? 0.02
        let z = try request.query.double("z", default: 2, range: 0.5...10) ?? 2
        let now = clock.now()
        let (fresh, latest) = try freshness(asset: asset.id, now: now)
        guard let latest else { throw APIProblem.notFound(resource: "price data for \(asset.id)", id: "analysis") }
        // The 20-bar windows need 20 bars of warm-up before the requested span.
        let from = latest.time - .hours(Int64(hours)) - BarGrid.step * 20
        let bars = try prices.bars(asset: asset.id, from: from, to: latest.time)
        let a = MarketAnalysis.analyze(bars: bars, band: band, zThreshold: z)
        let spanStart = latest.time - .hours(Int64(hours))
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        w.field("asset", asset.id.rawValue)
        w.field("hours", hours)
        w.key("trend")
        if let t = a.trend {
            w.beginObject()
            w.field("direction", t.trend.rawValue)
            w.field("price", t.price)
            w.field("sma_20", t.sma20)
            w.field("deviation", t.deviation)
            w.field("band", t.band)
            w.field("upper_band", t.sma20 * (1 + t.band))
            w.field("lower_band", t.sma20 * (1 - t.band))
            w.endObject()
        } else { w.null() }
        w.key("anomalies"); w.beginArray()
        for x in a.anomalies where x.time >= spanStart {
            w.beginObject()
            w.field("time", x.time); w.field("price", x.price); w.field("return", x.returnValue); w.field("z_score", x.zScore)
            w.endObject()
        }
        w.endArray()
        w.key("statistics")
        if let s = MarketAnalysis.analyze(bars: bars.filter { $0.time >= spanStart }, band: band, zThreshold: z).statistics {
            w.beginObject()
            w.field("bars", s.count)
            w.field("from", s.firstTime); w.field("to", s.lastTime)
            w.field("mean_close", s.meanClose); w.field("min_close", s.minClose); w.field("max_close", s.maxClose)
            w.field("last_price", s.lastPrice)
            w.field("returns_std", s.returnsStd)
            w.field("annualised_volatility", s.annualisedVolatility)
            w.field("total_return", s.totalReturn)
            w.field("max_drawdown", s.maxDrawdown)
            w.field("change_24h", s.change24h)
            w.endObject()
        } else { w.null() }
        w.markStable()
        fresh.write(to: &w)
        w.endObject()
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
