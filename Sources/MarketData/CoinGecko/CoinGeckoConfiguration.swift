public import Domain

/// How to reach CoinGecko and how politely: plan and key, budget, retries, circuit breaker.
///
/// The key travels only in its header (`x-cg-demo-api-key` or `x-cg-pro-api-key`); it is
/// never put in a URL, an error message or a log line.
public struct CoinGeckoConfiguration: Sendable {
    /// The plan decides the key header. Demo keys work only on the public host, Pro keys
    /// only on `pro-api.coingecko.com`, so pick ``baseURL`` to match.
    public enum Plan: Sendable, Hashable, CustomStringConvertible {
        case keyless
        case demo(key: String)
        case pro(key: String)

        var keyHeader: (name: String, value: String)? {
            switch self {
            case .keyless: return nil
            case .demo(let key): return ("x-cg-demo-api-key", key)
            case .pro(let key): return ("x-cg-pro-api-key", key)
            }
        }

        /// The plan without its key, safe to log.
        public var description: String {
            switch self {
            case .keyless: return "keyless"
            case .demo: return "demo"
            case .pro: return "pro"
            }
        }
    }

    /// Retries of 429, 5xx (and 408) answers and timeouts, with full-jitter exponential backoff:
    /// `sleep = random(0, min(maxDelay, base · 2^(attempt-1)))`.
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts per call, the first included.
        public var maxAttempts: Int = 4
        /// Backoff base for 5xx and timeouts.
        public var baseDelay: Milliseconds = .seconds(1)
        /// Backoff base for a 429 that says nothing about when to come back (coingecko-api.md §3).
        public var rateLimitedBaseDelay: Milliseconds = .seconds(60)
        public var maxDelay: Milliseconds = .seconds(120)
        /// `Retry-After` / `x-ratelimit-reset` beyond this are clamped to it (hardening.md §7).
        public var serverDelayCap: Milliseconds = .minutes(10)
        /// A wait longer than this is not slept inside the call: it fails with `.rateLimited`
        /// (or the last error) and later calls fail fast until the wait has passed.
        public var maxWaitPerRetry: Milliseconds = .seconds(120)
        public init() {}
    }

    /// Opens after `failureThreshold` consecutive failed calls for `openDuration`, then lets
    /// one probe through.
    public struct BreakerPolicy: Sendable, Hashable {
        public var failureThreshold: Int = 5
        public var openDuration: Milliseconds = .seconds(30)
        public init() {}
    }

    public var baseURL: String = "https://api.coingecko.com/api/v3"
    public var plan: Plan = .keyless
    public var vsCurrency: String = "usd"
    /// Calls allowed in any 60 s window, shared by every caller of one client.
    public var callsPerMinute: Int = 25
    /// How long a caller may wait for room in the budget before `.budgetExhausted`.
    public var budgetWait: Milliseconds = .seconds(30)
    public var retry = RetryPolicy()
    public var breaker = BreakerPolicy()
    /// Seed for the backoff jitter (nil: seeded from the system generator).
    public var jitterSeed: UInt64?

    public init(baseURL: String = "https://api.coingecko.com/api/v3", plan: Plan = .keyless,
                callsPerMinute: Int = 25) {
        self.baseURL = baseURL; self.plan = plan; self.callsPerMinute = callsPerMinute
    }
}
