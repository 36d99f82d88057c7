public import HTTPServer
public import Domain

/// Drift reports and alerts: `/v1/assets/{asset}/drift`, `…/drift/reports`,
/// `/v1/assets/{asset}/alerts` and `/v1/alerts/summary`.
public struct MonitoringRoutes: Sendable {
    public var drift: any DriftStore
    public var alerts: any AlertStore
    public var prices: any PriceStore
    public var assets: AssetCatalog
    public var clock: any WallClock
    public var freshness: Freshness.Policy

    /// Store pages read at most to fill one filtered page of alerts; a page may come back
    /// short (with a cursor) when filters match rarely, which keeps every request bounded.
    static let maxScannedPages = 20

    public init(drift: any DriftStore, alerts: any AlertStore, prices: any PriceStore, assets: AssetCatalog,
                clock: any WallClock, freshness: Freshness.Policy = Freshness.Policy()) {
        self.drift = drift; self.alerts = alerts; self.prices = prices; self.assets = assets; self.clock = clock
        self.freshness = freshness
    }

    public func register(on router: inout Router) {
        let r = self
        router.get("/v1/assets/{asset}/drift") { req in try r.latestDrift(req) }
        router.get("/v1/assets/{asset}/drift/reports") { req in try r.driftReports(req) }
        router.get("/v1/assets/{asset}/alerts") { req in try r.assetAlerts(req) }
        router.get("/v1/alerts/summary") { req in try r.summary(req) }
    }

    func latestDrift(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        guard let report = try drift.latest(asset: asset.id) else {
            throw APIProblem.notFound(resource: "drift report for \(asset.id)", id: "latest")
        }
        let now = clock.now()
        var w = JSONWriter(capacity: 6144)
        w.beginObject()
        w.key("report"); w.driftReport(report)
        w.markStable()
        w.field("as_of", now)
        // Drift is as fresh as the newest feature row it compared.
        Freshness(now: now, dataTime: report.currentTo + BarGrid.step, policy: freshness).write(to: &w)
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func driftReports(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let codec = CursorCodec(scope: "drift:\(asset.id)")
        let query = try request.pageQuery(codec)
        let page = try drift.reports(asset: asset.id, query: query)
        var w = JSONWriter(capacity: 5000 * page.items.count + 256)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: clock.now()) { w in
            for r in page.items { w.driftReport(r) }
        }
        return ConditionalGET.respond(request, w)
    }

    /// Which alerts a list wants; nil fields match any.
    struct AlertFilter: Equatable {
        var open: Bool?
        var severity: AlertSeverity?
        var kind: AlertKind?
        func matches(_ a: Alert) -> Bool {
            if let open, open != (a.resolvedAt == nil) { return false }
            if let severity, severity != a.severity { return false }
            if let kind, kind != a.kind { return false }
            return true
        }
        var isEmpty: Bool { open == nil && severity == nil && kind == nil }
    }

    static func alertFilter(_ request: HTTPRequest) throws -> AlertFilter {
        AlertFilter(
            open: try request.query.parse("status", { s in s == "open" ? true : (s == "resolved" ? false : nil) },
                                          expected: "open or resolved"),
            severity: try request.query.parse("severity", { AlertSeverity(rawValue: $0) },
                                              expected: AlertSeverity.allCases.map(\.rawValue).joined(separator: ", ")),
            kind: try request.query.parse("kind", { AlertKind(rawValue: $0) },
                                          expected: AlertKind.allCases.map(\.rawValue).joined(separator: ", ")))
    }

    func assetAlerts(_ request: HTTPRequest) throws -> HTTPResponse {
        let asset = try request.asset(in: assets)
        let filter = try Self.alertFilter(request)
        let codec = CursorCodec(scope: "alerts:\(asset.id)")
        let query = try request.pageQuery(codec)
        let page = try filteredAlerts(asset: asset.id, filter: filter, query: query)
        let now = clock.now()
        let latest = try prices.latestBar(asset: asset.id)
        var w = JSONWriter(capacity: 320 * page.items.count + 256)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: now,
               freshness: Freshness(now: now, dataTime: latest?.closeTime, policy: freshness)) { w in
            for a in page.items { w.alert(a) }
        }
        return ConditionalGET.respond(request, w)
    }

    /// One page of the alerts matching `filter`, reading store pages until it is full.
    func filteredAlerts(asset: AssetID, filter: AlertFilter, query: PageQuery) throws -> Page<Alert> {
        if filter.isEmpty { return try alerts.alerts(asset: asset, query: query) }
        var items: [Alert] = []
        var scan = query
        scan.limit = PageQuery.maximumLimit
        for _ in 0..<Self.maxScannedPages {
            let page = try alerts.alerts(asset: asset, query: scan)
            for a in page.items where filter.matches(a) {
                items.append(a)
                if items.count == query.limit {
                    return Page(items: items, nextCursor: PageCursor(time: a.raisedAt, id: a.id.string))
                }
            }
            guard let next = page.nextCursor else { return Page(items: items, nextCursor: nil) }
            scan.cursor = next
        }
        return Page(items: items, nextCursor: scan.cursor)
    }

    func summary(_ request: HTTPRequest) throws -> HTTPResponse {
        let since = try request.query.parse("since", { Timestamp(parsing: $0) }, expected: "an RFC 3339 time or epoch milliseconds")
        let counts = try alerts.summary(since: since)
        var byKind: [AlertKind: (total: Int, open: Int)] = [:]
        var bySeverity: [AlertSeverity: (total: Int, open: Int)] = [:]
        for c in counts {
            byKind[c.kind, default: (0, 0)].total += c.total; byKind[c.kind, default: (0, 0)].open += c.open
            bySeverity[c.severity, default: (0, 0)].total += c.total; bySeverity[c.severity, default: (0, 0)].open += c.open
        }
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.field("since", since)
        w.field("total", counts.reduce(0) { $0 + $1.total })
        w.field("open", counts.reduce(0) { $0 + $1.open })
        w.key("by_kind"); w.beginObject()
        for k in AlertKind.allCases {
            let c = byKind[k] ?? (0, 0)
            w.key(k.rawValue); w.beginObject(); w.field("total", c.total); w.field("open", c.open); w.endObject()
        }
        w.endObject()
        w.key("by_severity"); w.beginObject()
        for s in AlertSeverity.allCases {
            let c = bySeverity[s] ?? (0, 0)
            w.key(s.rawValue); w.beginObject(); w.field("total", c.total); w.field("open", c.open); w.endObject()
        }
        w.endObject()
        w.key("items"); w.beginArray()
        for c in counts {
            w.beginObject()
            w.field("kind", c.kind.rawValue); w.field("severity", c.severity.rawValue)
            w.field("total", c.total); w.field("open", c.open)
            w.endObject()
        }
        w.endArray()
        w.markStable()
        w.field("as_of", clock.now())
        w.endObject()
        return ConditionalGET.respond(request, w)
    }
}
