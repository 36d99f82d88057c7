import Foundation
import SentinelTesting
import Testing

/// The live CoinGecko path end to end: the real `sentinel serve --source coingecko` binary
/// against the local mock, its feature pipeline storing what the mock serves.
@Suite struct CoinGeckoServiceTests {
    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test func theServiceStoresBarsAndFeaturesFromCoinGecko() throws {
        let mock = try MockCoinGecko(rebasedTo: Self.nowMilliseconds())
        defer { mock.stop() }
        let server = try SentinelProcess(arguments: ["--source", "coingecko", "--coingecko-url", mock.baseURL,
                                                     "--assets", "bitcoin"])
        let page = try #require(eventually(timeout: 30) {
            let r = try server.request("GET", "/v1/assets/bitcoin/prices?limit=1000")
            return r.items.count >= 280 ? r : nil
        })
        // 288 five-minute points over 24 h, bucketed onto the grid; the still-open bucket is dropped.
        let times = page.items.compactMap { $0["time"] as? String }
        #expect(times.count >= 280 && times.count <= 288)
        #expect(times.allSatisfy { $0.hasSuffix(":00Z") && ["0", "5"].contains(String($0.dropLast(4).suffix(1))) })
        let features = eventually(timeout: 30) { () -> RawHTTPClient.Response? in
            let r = try? server.request("GET", "/v1/assets/bitcoin/features?limit=1")
            return r?.items.count == 1 ? r : nil
        }
        #expect(features != nil)
        let sources = try server.request("GET", "/v1/sources")
        let source = try #require(sources.items.first)
        #expect(source["name"] as? String == "coingecko")
        #expect((source["calls_made"] as? Int ?? 0) >= 1)
        #expect(source["budget_per_minute"] as? Int == 25)
        #expect(mock.requests.allSatisfy { $0.headers.keys.allSatisfy { !$0.lowercased().contains("api-key") } }, "keyless plan sends no key")
    }

    @Test func anUnreachableCoinGeckoLeavesTheAPIServingAndReportsTheError() throws {
        let mock = try MockCoinGecko()
        mock.scriptForever(.serverError)
        defer { mock.stop() }
        let server = try SentinelProcess(arguments: ["--source", "coingecko", "--coingecko-url", mock.baseURL,
                                                     "--assets", "bitcoin"])
        let failed = eventually(timeout: 90) { () -> [String: Any]? in
            let r = try? server.request("GET", "/v1/runs?pipeline=feature&status=failed")
            return r?.items.first
        }
        #expect(failed != nil, "the feature run fails and is recorded")
        #expect(try server.request("GET", "/healthz").status == 200)
        let price = try server.request("GET", "/v1/assets/bitcoin/price")
        #expect(price.status == 404, "no data yet, said as a problem")
        let source = try server.request("GET", "/v1/sources").items.first
        #expect(source?["last_error"] is String)
    }
}
