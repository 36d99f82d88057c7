import Foundation
import SentinelTesting
import Testing

/// The real binary on a loopback port: what a dashboard sees.
@Suite struct LiveServiceTests {
    @Test func servesServiceInfoHealthReadinessAndMetrics() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        let info = try server.request("GET", "/v1")
        #expect(info.status == 200)
        #expect(info.json["mode"] as? String == "replay")
        #expect((info.json["assets"] as? [String]) == ["bitcoin", "ethereum"])
        #expect(info.header("ETag") != nil)
        #expect(info.header("Date") != nil)
        #expect(try server.request("GET", "/healthz").status == 200)
        let ready = try server.request("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["status"] as? String == "degraded", "no data and no model yet on a fresh store")
        let metrics = try server.request("GET", "/metrics")
        #expect(metrics.text.contains("sentinel_http_requests_total"))
        #expect(metrics.text.contains("route=\"/v1\""))
    }

    @Test func unknownPathsAndAssetsAreProblemDocuments() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        let missing = try server.request("GET", "/v2/nothing")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        let asset = try server.request("GET", "/v1/assets/dogecoin/prices")
        #expect(asset.status == 404)
        #expect(asset.problemFields == ["asset"])
        let limit = try server.request("GET", "/v1/assets/bitcoin/prices?limit=0")
        #expect(limit.status == 400)
        #expect(limit.problemFields == ["limit"])
        let cursor = try server.request("GET", "/v1/assets/bitcoin/prices?cursor=not-a-cursor!")
        #expect(cursor.status == 400)
        #expect(cursor.problemFields == ["cursor"])
        let from = try server.request("GET", "/v1/assets/bitcoin/prices?from=yesterday")
        #expect(from.problemFields == ["from"])
        let method = try server.request("DELETE", "/v1/assets")
        #expect(method.status == 405)
        #expect(method.header("Allow")?.contains("GET") == true)
    }

    @Test func aCursorFromOneListIsRefusedByAnother() throws {
        let server = try SentinelProcess(arguments: ["--speed", "600"])
        let page = try #require(eventually {
            let r = try server.request("GET", "/v1/assets/bitcoin/prices?limit=2")
            return r.items.count == 2 ? r : nil
        })
        let next = try #require(page.json["next_cursor"] as? String)
        #expect(try server.request("GET", "/v1/assets/bitcoin/prices?limit=2&cursor=\(next)").status == 200)
        let foreign = try server.request("GET", "/v1/assets/ethereum/prices?limit=2&cursor=\(next)")
        #expect(foreign.status == 400)
        #expect(foreign.problemFields == ["cursor"])
    }

    @Test func pollingWithTheETagGivesNotModified() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        // The list is stable (nothing is scheduled) while its as_of moves with the clock.
        let first = try server.request("GET", "/v1/assets/bitcoin/prices?limit=5")
        #expect(first.status == 200)
        let tag = try #require(first.header("ETag"))
        Thread.sleep(forTimeInterval: 0.05)
        let second = try server.request("GET", "/v1/assets/bitcoin/prices?limit=5", headers: [("If-None-Match", tag)])
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
        #expect(second.header("ETag") == tag)
    }

    @Test func replayedPricesAndFeaturesFlowIntoTheStore() throws {
        // At 60× the data is stale only after 10 real seconds without a feature run.
        let server = try SentinelProcess(arguments: ["--speed", "60"])
        let prices = try #require(eventually {
            let r = try server.request("GET", "/v1/assets/bitcoin/prices?limit=500")
            return r.items.count == 500 ? r : nil
        })
        let newest = try #require(prices.items.first?["time"] as? String)
        let oldest = try #require(prices.items.last?["time"] as? String)
        #expect(newest > oldest, "newest first")
        let features = try #require(eventually {
            let r = try server.request("GET", "/v1/assets/ethereum/features?limit=5")
            return r.items.count == 5 ? r : nil
        })
        let row = try #require(features.items.first)
        #expect((row["features"] as? [String: Any])?.count == 32)
        #expect(row["targets"] is NSNull, "the newest row's target is not known yet")
        let price = try server.request("GET", "/v1/assets/bitcoin/price")
        #expect(price.status == 200)
        #expect(price.json["change_24h"] is Double)
        #expect((price.json["freshness"] as? [String: Any])?["stale"] as? Bool == false)
    }

    @Test func refusesToListenBeyondLoopbackWithoutKeys() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SentinelProcess.binaryPath)
        p.arguments = ["serve", "--host", "0.0.0.0", "--port", "0", "--db", SentinelProcess.temporaryDirectory() + "/s.db"]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(text.contains("without API keys"))
    }
}
