import SentinelTesting
import Domain
import Foundation
import HTTPClient
import MarketData
import Testing

@Suite("CoinGeckoClient against the mock server")
struct CoinGeckoClientTests {
    static let now = Timestamp(milliseconds: MockCoinGecko.nowMilliseconds)
    static let http = HTTPClient(configuration: HTTPClientConfiguration(totalTimeout: .seconds(5), workerThreads: 4,
                                                                        allowPlainHTTP: true))

    struct Harness {
        let mock: MockCoinGecko
        let clock = ManualWallClock(CoinGeckoClientTests.now)
        let sleeper = RecordingSleeper()
        let client: CoinGeckoClient

        init(http: HTTPClient = CoinGeckoClientTests.http, _ configure: (inout CoinGeckoConfiguration) -> Void = { _ in }) throws {
            mock = try MockCoinGecko()
            var config = CoinGeckoConfiguration(baseURL: mock.baseURL)
            config.jitterSeed = 42
            configure(&config)
            client = CoinGeckoClient(configuration: config, http: http, clock: clock, sleeper: sleeper.sleeper)
        }
    }

    @Test("latest price carries the 24 h change as a fraction")
    func latestPrice() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        let quote = try await h.client.latestPrice(of: "bitcoin")
        #expect(quote.price == 85379.96)
        #expect(abs((quote.change24h ?? 0) - 0.00962478669) < 1e-12)
        #expect(quote.volume24h == 1889700191.83)
        #expect(quote.marketCap == 1690523208000.0)
        #expect(quote.time == Self.now)
        #expect(h.client.status.callsMade == 1)
        #expect(h.client.status.lastSuccess == Self.now)
    }

    @Test("bars are 288 closed 5-minute buckets and the still-open one is dropped")
    func barsAreBucketed() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        let bars = try await h.client.bars(of: "bitcoin", since: Timestamp(milliseconds: 0))
        #expect(bars.count == 288)
        #expect(bars.allSatisfy { $0.time.milliseconds % 300_000 == 0 && $0.closeTime <= Self.now })
        #expect(bars.first?.time == Self.now - .hours(24))
        #expect(bars.last?.time == Self.now - .minutes(5))
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(bars.first?.close == 84566.03)
        #expect(bars.allSatisfy { $0.low <= $0.open && $0.high >= $0.close && $0.volume == 0 })
    }

    @Test("bars(since:) returns only bars opening at or after since")
    func barsSince() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        let bars = try await h.client.bars(of: "bitcoin", since: Self.now - .hours(1))
        #expect(bars.count == 12)
        #expect(bars.first?.time == Self.now - .hours(1))
    }

    @Test("the demo key travels in its header and never in the URL")
    func keyInHeaderOnly() async throws {
        let h = try Harness { $0.plan = .demo(key: "secret-key") }
        defer { h.mock.stop() }
        _ = try await h.client.latestPrice(of: "bitcoin")
        let request = try #require(h.mock.requests.first)
        #expect(request.headers["x-cg-demo-api-key"] == "secret-key")
        #expect(!request.query.values.contains { $0.contains("secret") })
        #expect(request.query["include_24hr_change"] == "true")
    }

    @Test("a 429 with Retry-After waits that long, then succeeds")
    func rateLimitedRetryAfterHonoured() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        h.mock.script(.rateLimitedWithRetryAfter(seconds: 7))
        let quote = try await h.client.latestPrice(of: "bitcoin")
        #expect(quote.price == 85379.96)
        #expect(h.sleeper.recorded == [.seconds(7)])
        #expect(h.mock.requestCount == 2)
        #expect(h.client.status.retries == 1)
    }

    @Test("a 429 with only x-ratelimit-reset waits until the reset")
    func rateLimitedResetHeaderHonoured() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        h.mock.script(.rateLimitedWithResetHeader(resetEpochSeconds: Self.now.seconds + 12))
        _ = try await h.client.latestPrice(of: "bitcoin")
        #expect(h.sleeper.recorded == [.seconds(12)])
    }

    @Test("a 429 without hints backs off with jitter up to the rate-limit base")
    func rateLimitedBareBacksOff() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        h.mock.script(.rateLimitedBare, .rateLimitedBare)
        _ = try await h.client.latestPrice(of: "bitcoin")
        let waits = h.sleeper.recorded
        #expect(waits.count == 2)
        #expect(waits[0] <= .seconds(60) && waits[1] <= .seconds(120))
        #expect(h.mock.requestCount == 3)
    }

    @Test("a 500 is retried after a short backoff, then succeeds")
    func serverErrorThenSuccess() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        h.mock.script(.serverError)
        let bars = try await h.client.bars(of: "bitcoin", since: Timestamp(milliseconds: 0))
        #expect(bars.count == 288)
        #expect(h.sleeper.recorded.count == 1 && h.sleeper.recorded[0] <= .seconds(1))
    }

    @Test("a server that never answers fails as unreachable after the total timeout")
    func silentServerTimesOut() async throws {
        let http = HTTPClient(configuration: HTTPClientConfiguration(totalTimeout: .milliseconds(500), workerThreads: 2,
                                                                     allowPlainHTTP: true))
        let h = try Harness(http: http) { $0.retry.maxAttempts = 2 }
        defer { h.mock.stop() }
        h.mock.scriptForever(.neverAnswer)
        let start = ContinuousClock.now
        await #expect { try await h.client.latestPrice(of: "bitcoin") } throws: { error in
            guard case .unreachable(let message)? = error as? MarketSourceError else { return false }
            return message.contains("timeout")
        }
        let elapsed = ContinuousClock.now - start
        // It waited for both attempts' timeouts and did not hang (generous bound: other tests may hold the shared threads).
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(600))
        #expect(h.mock.requestCount == 2)
    }

    @Test("truncated, non-JSON and NaN bodies are malformed responses", arguments: [
        MockCoinGecko.Behaviour.truncatedBody, .notJSON, .nanInJSON,
    ])
    func badBodiesAreMalformed(_ behaviour: MockCoinGecko.Behaviour) async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        h.mock.scriptForever(behaviour)
        await #expect { try await h.client.latestPrice(of: "bitcoin") } throws: { error in
            guard case .malformedResponse? = error as? MarketSourceError else { return false }
            return true
        }
    }

    @Test("an unknown coin is unknownAsset for a 404 and for an empty simple/price answer")
    func unknownCoin() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        await #expect(throws: MarketSourceError.unknownAsset("nocoin")) {
            try await h.client.bars(of: "nocoin", since: Timestamp(milliseconds: 0))
        }
        await #expect(throws: MarketSourceError.unknownAsset("nocoin")) {
            try await h.client.latestPrice(of: "nocoin")
        }
        await #expect(throws: MarketSourceError.unknownAsset("Bad Id")) {
            try await h.client.latestPrice(of: "Bad Id")
        }
        #expect(h.mock.requestCount == 2)
        #expect(h.client.status.circuit == .closed)
    }

    @Test("concurrent callers never exceed the budget")
    func budgetHoldsUnderConcurrency() async throws {
        let h = try Harness { $0.callsPerMinute = 5; $0.budgetWait = Milliseconds(0) }
        defer { h.mock.stop() }
        let results = await withTaskGroup(of: Result<PriceQuote, MarketSourceError>.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do { return .success(try await h.client.latestPrice(of: "bitcoin")) }
                    catch { return .failure(error as? MarketSourceError ?? .unreachable("\(error)")) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(h.mock.requestCount == 5)
        #expect(results.filter { (try? $0.get()) != nil }.count == 5)
        #expect(results.filter { if case .failure(.budgetExhausted) = $0 { true } else { false } }.count == 15)
        #expect(h.client.status.budgetRemaining == 0)
    }

    @Test("a caller waits for the next free slot when the budget allows waiting")
    func budgetWaitsForSlot() async throws {
        let clock = ManualWallClock(Self.now)
        let sleeper = RecordingSleeper(advancing: clock)
        let mock = try MockCoinGecko()
        defer { mock.stop() }
        var config = CoinGeckoConfiguration(baseURL: mock.baseURL, callsPerMinute: 2)
        config.budgetWait = .seconds(60)
        let client = CoinGeckoClient(configuration: config, http: Self.http, clock: clock, sleeper: sleeper.sleeper)
        for _ in 0..<3 { _ = try await client.latestPrice(of: "bitcoin") }
        #expect(sleeper.recorded == [.seconds(60)])
        #expect(mock.requestCount == 3)
    }

    @Test("a Retry-After beyond the per-retry limit fails fast and holds later calls")
    func longRetryAfterFailsFast() async throws {
        let h = try Harness()
        defer { h.mock.stop() }
        h.mock.script(.rateLimitedWithRetryAfter(seconds: 300))
        await #expect(throws: MarketSourceError.rateLimited(retryAfter: .seconds(300))) {
            try await h.client.latestPrice(of: "bitcoin")
        }
        await #expect(throws: MarketSourceError.self) { try await h.client.latestPrice(of: "bitcoin") }
        #expect(h.mock.requestCount == 1)
        h.clock.advance(by: .seconds(301))
        _ = try await h.client.latestPrice(of: "bitcoin")
        #expect(h.sleeper.recorded.isEmpty)
    }

    @Test("the circuit opens after 5 failed calls, then lets one probe through")
    func circuitBreakerOpensAndHalfOpens() async throws {
        let h = try Harness { $0.retry.maxAttempts = 1 }
        defer { h.mock.stop() }
        h.mock.scriptForever(.serverError)
        for _ in 0..<5 {
            await #expect(throws: MarketSourceError.self) { try await h.client.latestPrice(of: "bitcoin") }
        }
        #expect(h.client.status.circuit == .open(until: Self.now + .seconds(30)))
        await #expect(throws: MarketSourceError.circuitOpen(retryAfter: .seconds(30))) {
            try await h.client.latestPrice(of: "bitcoin")
        }
        #expect(h.mock.requestCount == 5)

        // A failed probe opens it again.
        h.clock.advance(by: .seconds(30))
        #expect(h.client.status.circuit == .halfOpen)
        await #expect(throws: MarketSourceError.self) { try await h.client.latestPrice(of: "bitcoin") }
        #expect(h.mock.requestCount == 6)
        #expect(h.client.status.circuit == .open(until: Self.now + .seconds(60)))

        // A successful probe closes it.
        h.mock.resetScript()
        h.clock.advance(by: .seconds(30))
        _ = try await h.client.latestPrice(of: "bitcoin")
        #expect(h.client.status.circuit == .closed)
        #expect(h.client.status.lastError != nil)
    }
}
