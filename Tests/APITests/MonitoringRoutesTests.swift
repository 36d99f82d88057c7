import API
import Domain
import Foundation
import HTTPServer
import Logging
import SentinelTesting
import Storage
import Testing

/// MonitoringRoutes served by a real in-process server over a temporary store.
final class MonitoringServer {
    static let asset = AssetID("bitcoin")
    static let start = Timestamp(parsing: "2025-04-15T00:00:00Z") ?? Timestamp(milliseconds: 0)
    let store: SQLiteStore
    let clock: ManualWallClock
    let ids: ULIDGenerator
    let server: HTTPServer

    init() throws {
        store = try SQLiteStore.temporary()
        clock = ManualWallClock(Self.start)
        ids = ULIDGenerator(clock: clock, seed: 5)
        var router = Router()
        MonitoringRoutes(drift: store, alerts: store, prices: store,
                         assets: AssetCatalog([AssetDescriptor.known(Self.asset), AssetDescriptor.known(AssetID("ethereum"))]),
                         clock: clock).register(on: &router)
        var config = ServerConfiguration(host: "127.0.0.1", port: 0)
        config.eventLoops = 1
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        server = HTTPServer(configuration: config, router: router, logger: quiet)
        try server.start()
    }

    deinit { server.shutdown() }

    func get(_ target: String, headers: [(String, String)] = []) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: server.port)
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        client.send(head + "\r\n")
        return try client.readResponse()
    }

    func json(_ target: String) throws -> [String: Any] {
        let r = try get(target)
        return (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
    }

    @discardableResult
    func report(at t: Timestamp, score: Double, detected: Bool, consecutive: Int) throws -> DriftReport {
        let r = DriftReport(id: ids.next(), asset: Self.asset, featureSet: "v1", createdAt: t, referenceFrom: t - .days(7),
                            referenceTo: t - .hours(2), currentFrom: t - .hours(2), currentTo: t - BarGrid.step, score: score,
                            shareDrifted: 0.5, detected: detected, consecutive: consecutive,
                            features: [FeatureDrift(feature: "returns", ksStatistic: score, pValue: 0.01, adjustedPValue: 0.02,
                                                    psi: 0.3, drifted: true, deciding: true),
                                       FeatureDrift(feature: "sma_20", ksStatistic: 1, pValue: 0, adjustedPValue: 0,
                                                    psi: 4, drifted: true, deciding: false)],
                            triggeredRunID: detected ? ids.next() : nil)
        try store.insert(r)
        return r
    }

    @discardableResult
    func alert(_ kind: AlertKind, _ severity: AlertSeverity, at t: Timestamp, resolved: Bool = false) throws -> Alert {
        let a = Alert(id: ids.next(), asset: Self.asset, kind: kind, severity: severity, message: "\(kind.rawValue) test",
                      value: 0.1, threshold: 0.05, raisedAt: t)
        _ = try store.raise(a)
        if resolved { try store.resolve(id: a.id, at: t + .minutes(5)) }
        return a
    }
}

@Suite struct MonitoringRoutesTests {
    @Test func latestDriftIs404UntilAReportExists() throws {
        let s = try MonitoringServer()
        let r = try s.get("/v1/assets/bitcoin/drift")
        #expect(r.status == 404)
        #expect(r.header("Content-Type") == "application/problem+json")
    }

    @Test func latestDriftGivesTheNewestReportWithFreshnessAndAnETag() throws {
        let s = try MonitoringServer()
        try s.report(at: MonitoringServer.start - .minutes(10), score: 0.2, detected: false, consecutive: 0)
        let newest = try s.report(at: MonitoringServer.start - .minutes(5), score: 0.41, detected: true, consecutive: 1)
        let r = try s.get("/v1/assets/bitcoin/drift")
        #expect(r.status == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        let report = try #require(body["report"] as? [String: Any])
        #expect(report["id"] as? String == newest.id.string)
        #expect(report["score"] as? Double == 0.41)
        #expect(report["detected"] as? Bool == true)
        #expect(report["triggered_run_id"] as? String == newest.triggeredRunID?.string)
        let features = try #require(report["features"] as? [[String: Any]])
        #expect(features.count == 2 && features[1]["deciding"] as? Bool == false && features[1]["p_value"] as? Double == 0)
        #expect(body["freshness"] is [String: Any])
        // The ETag covers the report, not the clock: it still matches a minute later.
        let etag = try #require(r.header("ETag"))
        s.clock.advance(by: .minutes(1))
        #expect(try s.get("/v1/assets/bitcoin/drift", headers: [("If-None-Match", etag)]).status == 304)
    }

    @Test func unknownAssetIs404() throws {
        let s = try MonitoringServer()
        #expect(try s.get("/v1/assets/dogecoin/drift").status == 404)
        #expect(try s.get("/v1/assets/dogecoin/alerts").status == 404)
    }

    @Test func driftReportsArePagedNewestFirstWithACursor() throws {
        let s = try MonitoringServer()
        for k in 0..<5 { try s.report(at: MonitoringServer.start + .minutes(Int64(5 * k)), score: 0.1, detected: false, consecutive: 0) }
        let first = try s.json("/v1/assets/bitcoin/drift/reports?limit=3")
        let items = try #require(first["items"] as? [[String: Any]])
        #expect(items.count == 3)
        #expect(items.first?["created_at"] as? String == "2025-04-15T00:20:00Z")
        let cursor = try #require(first["next_cursor"] as? String)
        let second = try s.json("/v1/assets/bitcoin/drift/reports?limit=3&cursor=\(cursor)")
        #expect((second["items"] as? [Any])?.count == 2)
        #expect(second["next_cursor"] is NSNull)
        let ranged = try s.json("/v1/assets/bitcoin/drift/reports?from=2025-04-15T00:05:00Z&to=2025-04-15T00:10:00Z")
        #expect((ranged["items"] as? [Any])?.count == 2)
    }

    @Test(arguments: ["limit=0", "from=yesterday", "cursor=nonsense!", "from=2025-04-15T01:00:00Z&to=2025-04-15T00:00:00Z"])
    func driftReportsRejectBadParameters(query: String) throws {
        let s = try MonitoringServer()
        let r = try s.get("/v1/assets/bitcoin/drift/reports?\(query)")
        #expect(r.status == 400)
        let name = String(query.prefix { $0 != "=" })
        #expect(r.text.contains("\"name\":\"\(name)\""))
    }

    @Test func alertsFilterByStatusSeverityAndKind() throws {
        let s = try MonitoringServer()
        let t = MonitoringServer.start
        try s.alert(.priceChange, .warning, at: t, resolved: true)
        try s.alert(.priceChange, .high, at: t + .minutes(10))
        try s.alert(.volatility, .warning, at: t + .minutes(20))
        try s.alert(.staleData, .warning, at: t + .minutes(30), resolved: true)
        func ids(_ q: String) throws -> [String] {
            try (s.json("/v1/assets/bitcoin/alerts\(q)")["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        }
        #expect(try ids("") == ["stale_data", "volatility", "price_change", "price_change"])
        #expect(try ids("?status=open") == ["volatility", "price_change"])
        #expect(try ids("?status=resolved") == ["stale_data", "price_change"])
        #expect(try ids("?severity=high") == ["price_change"])
        #expect(try ids("?kind=price_change&status=resolved") == ["price_change"])
        let page = try s.json("/v1/assets/bitcoin/alerts?status=open&limit=1")
        let item = try #require((page["items"] as? [[String: Any]])?.first)
        #expect(item["status"] as? String == "open" && item["severity"] as? String == "warning")
        let cursor = try #require(page["next_cursor"] as? String)
        #expect(try ids("?status=open&limit=1&cursor=\(cursor)") == ["price_change"])
        #expect(page["freshness"] is [String: Any])
    }

    @Test(arguments: ["status=closed", "severity=critical", "kind=meteor", "limit=5000"])
    func alertsRejectBadFiltersNamingTheParameter(query: String) throws {
        let s = try MonitoringServer()
        let r = try s.get("/v1/assets/bitcoin/alerts?\(query)")
        #expect(r.status == 400)
        #expect(r.text.contains("\"name\":\"\(query.prefix { $0 != "=" })\""))
    }

    @Test func aCursorFromAnotherListIsRejected() throws {
        let s = try MonitoringServer()
        for k in 0..<3 { try s.report(at: MonitoringServer.start + .minutes(Int64(k)), score: 0.1, detected: false, consecutive: 0) }
        let cursor = try #require(try s.json("/v1/assets/bitcoin/drift/reports?limit=1")["next_cursor"] as? String)
        #expect(try s.get("/v1/assets/bitcoin/alerts?cursor=\(cursor)").status == 400)
    }

    @Test func summaryCountsByKindAndSeverity() throws {
        let s = try MonitoringServer()
        let t = MonitoringServer.start
        try s.alert(.priceChange, .warning, at: t, resolved: true)
        try s.alert(.priceChange, .high, at: t + .minutes(10))
        try s.alert(.volatility, .warning, at: t + .minutes(20))
        let all = try s.json("/v1/alerts/summary")
        #expect(all["total"] as? Int == 3 && all["open"] as? Int == 2)
        let byKind = try #require(all["by_kind"] as? [String: [String: Int]])
        #expect(byKind["price_change"] == ["total": 2, "open": 1])
        #expect(byKind["drift"] == ["total": 0, "open": 0])
        let bySeverity = try #require(all["by_severity"] as? [String: [String: Int]])
        #expect(bySeverity["warning"] == ["total": 2, "open": 1] && bySeverity["high"] == ["total": 1, "open": 1])
        let recent = try s.json("/v1/alerts/summary?since=2025-04-15T00:05:00Z")
        #expect(recent["total"] as? Int == 2)
        #expect(recent["since"] as? String == "2025-04-15T00:05:00Z")
    }

    @Test func summaryRejectsABadSince() throws {
        let s = try MonitoringServer()
        let r = try s.get("/v1/alerts/summary?since=last-week")
        #expect(r.status == 400)
        #expect(r.text.contains("\"name\":\"since\""))
    }

    @Test func summaryAnswers304WhileNothingChanged() throws {
        let s = try MonitoringServer()
        try s.alert(.drawdown, .high, at: MonitoringServer.start)
        let etag = try #require(try s.get("/v1/alerts/summary").header("ETag"))
        s.clock.advance(by: .minutes(3))
        #expect(try s.get("/v1/alerts/summary", headers: [("If-None-Match", etag)]).status == 304)
        try s.alert(.volatility, .high, at: MonitoringServer.start + .minutes(1))
        #expect(try s.get("/v1/alerts/summary", headers: [("If-None-Match", etag)]).status == 200)
    }
}
