public import Domain
public import HTTPClient
public import Logging
import Synchronization

/// Live prices from CoinGecko's v3 API, as a ``MarketSource``.
///
/// Every call goes through, in order: the "not before" left by a long `Retry-After`, the
/// circuit breaker, and the calls-per-minute budget shared by all callers of this client
/// (each attempt, retries included, takes a slot). 429, 408, 5xx, timeouts and connection
/// failures are retried with full-jitter backoff, honouring `Retry-After` and
/// `x-ratelimit-reset`. Unknown coins are `.unknownAsset` whether CoinGecko says 404 or
/// answers `{}`; any body off-contract is `.malformedResponse`.
///
/// ```swift
/// let gecko = CoinGeckoClient(configuration: .init(plan: .demo(key: key)), http: HTTPClient())
/// let quote = try await gecko.latestPrice(of: "bitcoin")
/// ```
public final class CoinGeckoClient: MarketSource {
    public let name = "coingecko"
    public let configuration: CoinGeckoConfiguration
    /// `days=1` is the only 5-minute series the keyless and Demo plans give.
    public let historyLimit: Milliseconds? = .hours(24)

    private let http: HTTPClient
    private let clock: any WallClock
    private let sleeper: BackoffSleeper
    private let logger: Logger
    private let budget: CallBudget
    private let breaker: CircuitBreaker
    private let counters: Mutex<Counters>

    private struct Counters {
        var callsMade = 0
        var retries = 0
        var lastSuccess: Timestamp?
        var lastError: String?
        var lastErrorAt: Timestamp?
        var notBefore: Timestamp?
        var jitter: SplitMix64
    }

    /// One failed attempt, classified.
    private struct Failure: Error {
        var error: MarketSourceError
        var retryable: Bool
        /// Whether it says the source is unwell (counts toward opening the circuit).
        var countsAgainstSource: Bool
        var serverDelay: Milliseconds? = nil
        var rateLimited = false
    }

    public init(configuration: CoinGeckoConfiguration = CoinGeckoConfiguration(), http: HTTPClient,
                clock: any WallClock = SystemWallClock(), sleeper: BackoffSleeper = .real,
                logger: Logger = Logger(label: "sentinel.coingecko")) {
        self.configuration = configuration
        self.http = http
        self.clock = clock
        self.sleeper = sleeper
        self.logger = logger
        budget = CallBudget(perMinute: configuration.callsPerMinute, clock: clock)
        breaker = CircuitBreaker(policy: configuration.breaker, clock: clock)
        var seed = configuration.jitterSeed ?? 0
        if configuration.jitterSeed == nil { var g = SystemRandomNumberGenerator(); seed = g.next() }
        counters = Mutex(Counters(jitter: SplitMix64(seed: seed)))
    }

    public var status: MarketSourceStatus {
        let c = counters.withLock { $0 }
        return MarketSourceStatus(name: name, callsMade: c.callsMade, retries: c.retries,
                                  budgetPerMinute: budget.perMinute, budgetRemaining: budget.remaining,
                                  lastSuccess: c.lastSuccess, lastError: c.lastError, lastErrorAt: c.lastErrorAt,
                                  circuit: breaker.circuit)
    }

    public func latestPrice(of asset: AssetID) async throws -> PriceQuote {
        guard asset.isWellFormed else { throw MarketSourceError.unknownAsset(asset) }
        let json = try await fetch("/simple/price", query: simplePriceQuery(ids: asset.rawValue), notFound: .unknownAsset(asset))
        return try CoinGeckoDecoding.quote(json, asset: asset, currency: configuration.vsCurrency, fallbackTime: clock.now())
    }

    /// Quotes for several assets in one call (one budget slot). Ids CoinGecko does not know
    /// are absent from the result.
    public func latestPrices(of assets: [AssetID]) async throws -> [AssetID: PriceQuote] {
        let known = assets.filter(\.isWellFormed)
        guard !known.isEmpty else { return [:] }
        let ids = known.map(\.rawValue).joined(separator: ",")
        let json = try await fetch("/simple/price", query: simplePriceQuery(ids: ids), notFound: nil)
        var quotes: [AssetID: PriceQuote] = [:]
        for asset in known where json[asset.rawValue] != nil {
            quotes[asset] = try CoinGeckoDecoding.quote(json, asset: asset, currency: configuration.vsCurrency,
                                                        fallbackTime: clock.now())
        }
        return quotes
    }

    public func bars(of asset: AssetID, since: Timestamp) async throws -> [Bar] {
        guard asset.isWellFormed else { throw MarketSourceError.unknownAsset(asset) }
        let json = try await fetch("/coins/\(asset.rawValue)/market_chart",
                                   query: "vs_currency=\(configuration.vsCurrency)&days=1", notFound: .unknownAsset(asset))
        return try CoinGeckoDecoding.bars(json, now: clock.now()).filter { $0.time >= since }
    }

    /// Liveness only: true when `/ping` answers 200.
    public func ping() async -> Bool {
        (try? await fetch("/ping", query: nil, notFound: nil)) != nil
    }

    private func simplePriceQuery(ids: String) -> String {
        "ids=\(ids)&vs_currencies=\(configuration.vsCurrency)&include_market_cap=true&include_24hr_vol=true"
            + "&include_24hr_change=true&include_last_updated_at=true"
    }

    // MARK: - One call: budget, breaker, retries

    private func fetch(_ path: String, query: String?, notFound: MarketSourceError?) async throws -> JSONValue {
        if let notBefore = counters.withLock({ $0.notBefore }), clock.now() < notBefore {
            throw MarketSourceError.rateLimited(retryAfter: notBefore - clock.now())
        }
        if case .rejected(let retryAfter) = breaker.admit() { throw MarketSourceError.circuitOpen(retryAfter: retryAfter) }

        var headers = [HTTPHeader("Accept", "application/json")]
        if let key = configuration.plan.keyHeader { headers.append(HTTPHeader(key.name, key.value)) }
        let request = HTTPRequest.get(configuration.baseURL + path + (query.map { "?" + $0 } ?? ""), headers: headers)

        var attempt = 0
        while true {
            attempt += 1
            guard let wait = budget.reserve(maxWait: configuration.budgetWait) else {
                breaker.recordAbandoned()
                note(error: .budgetExhausted)
                throw MarketSourceError.budgetExhausted
            }
            try await pause(wait)
            counters.withLock { c in c.callsMade += 1; if attempt > 1 { c.retries += 1 } }

            let failure: Failure
            do {
                let response = try await http.send(request)
                switch classify(response, notFound: notFound) {
                case .success(let json):
                    breaker.recordSuccess()
                    counters.withLock { $0.lastSuccess = clock.now() }
                    return json
                case .failure(let f): failure = f
                }
            } catch .cancelled {
                breaker.recordAbandoned()
                throw CancellationError()
            } catch {
                failure = classify(error)
            }

            let delay = failure.serverDelay ?? counters.withLock { c in
                RetryTiming.backoff(attempt: attempt,
                                    base: failure.rateLimited ? configuration.retry.rateLimitedBaseDelay : configuration.retry.baseDelay,
                                    cap: configuration.retry.maxDelay, using: &c.jitter)
            }
            guard failure.retryable, attempt < configuration.retry.maxAttempts,
                  delay <= configuration.retry.maxWaitPerRetry else {
                throw finish(failure, path: path)
            }
            logger.debug("coingecko retry", metadata: ["path": "\(path)", "attempt": "\(attempt)",
                                                       "delay_ms": "\(delay.value)", "error": "\(failure.error)"])
            try await pause(delay)
        }
    }

    private func pause(_ delay: Milliseconds) async throws {
        guard delay.value > 0 else { return }
        do { try await sleeper.sleep(delay) } catch {
            breaker.recordAbandoned()
            throw error
        }
    }

    /// Records the final failure of a call and returns the error to throw.
    private func finish(_ failure: Failure, path: String) -> MarketSourceError {
        if failure.countsAgainstSource { breaker.recordFailure() } else { breaker.recordSuccess() }
        var error = failure.error
        if failure.rateLimited {
            let after = failure.serverDelay
            error = .rateLimited(retryAfter: after)
            // Later calls fail fast instead of spending budget on certain 429s.
            if let after { counters.withLock { $0.notBefore = clock.now() + after } }
        }
        note(error: error)
        logger.debug("coingecko call failed", metadata: ["path": "\(path)", "error": "\(error)"])
        return error
    }

    private func note(error: MarketSourceError) {
        let now = clock.now()
        counters.withLock { $0.lastError = error.description; $0.lastErrorAt = now }
    }

    private func classify(_ response: HTTPResponse, notFound: MarketSourceError?) -> Result<JSONValue, Failure> {
        switch response.status {
        case 200:
            do throws(MarketSourceError) { return .success(try CoinGeckoDecoding.json(response.body)) } catch {
                return .failure(Failure(error: error, retryable: false, countsAgainstSource: true))
            }
        case 404 where notFound != nil:
            return .failure(Failure(error: notFound ?? .unknownAsset(""), retryable: false, countsAgainstSource: false))
        case 429:
            let delay = RetryTiming.serverDelay(headers: response.headers, now: clock.now(),
                                                cap: configuration.retry.serverDelayCap)
            return .failure(Failure(error: .rateLimited(retryAfter: delay), retryable: true, countsAgainstSource: true,
                                    serverDelay: delay, rateLimited: true))
        case 408, 500...599:
            let delay = response.status == 503
                ? RetryTiming.serverDelay(headers: response.headers, now: clock.now(), cap: configuration.retry.serverDelayCap)
                : nil
            return .failure(Failure(error: .httpStatus(response.status, body: String(response.text.prefix(200))),
                                    retryable: true, countsAgainstSource: true, serverDelay: delay))
        default:
            return .failure(Failure(error: .httpStatus(response.status, body: String(response.text.prefix(200))),
                                    retryable: false, countsAgainstSource: false))
        }
    }

    private func classify(_ error: HTTPClientError) -> Failure {
        switch error {
        case .timeout, .couldNotConnect, .transport:
            return Failure(error: .unreachable(error.description), retryable: true, countsAgainstSource: true)
        case .truncated:
            return Failure(error: .malformedResponse("truncated body"), retryable: true, countsAgainstSource: true)
        case .tooLarge:
            return Failure(error: .malformedResponse(error.description), retryable: false, countsAgainstSource: true)
        case .invalidRequest, .cancelled:
            return Failure(error: .unreachable(error.description), retryable: false, countsAgainstSource: false)
        }
    }
}
