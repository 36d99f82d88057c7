/// The health of a market source as `/v1/sources` reports it: how many calls it made,
/// how much of its budget is left, when it last succeeded or failed, and its circuit.
///
/// Fields a source has no notion of stay nil (a replay has no budget; CoinGecko has no
/// virtual clock).
public struct MarketSourceStatus: Sendable, Hashable {
    /// The state of a source's circuit breaker.
    public enum Circuit: Sendable, Hashable {
        /// Calls go through.
        case closed
        /// Calls fail fast until the given time.
        case open(until: Timestamp)
        /// One probe call is allowed; its outcome closes or reopens the circuit.
        case halfOpen
    }

    public var name: String
    /// Requests actually sent (every attempt counts, as it does against a provider's quota).
    public var callsMade: Int
    /// Attempts that were retries of an earlier failed attempt.
    public var retries: Int
    public var budgetPerMinute: Int?
    /// Calls still available in the current minute.
    public var budgetRemaining: Int?
    public var lastSuccess: Timestamp?
    public var lastError: String?
    public var lastErrorAt: Timestamp?
    public var circuit: Circuit
    /// A replay's virtual now and speed.
    public var virtualNow: Timestamp?
    public var speed: Double?

    public init(name: String, callsMade: Int = 0, retries: Int = 0, budgetPerMinute: Int? = nil,
                budgetRemaining: Int? = nil, lastSuccess: Timestamp? = nil, lastError: String? = nil,
                lastErrorAt: Timestamp? = nil, circuit: Circuit = .closed, virtualNow: Timestamp? = nil,
                speed: Double? = nil) {
        self.name = name; self.callsMade = callsMade; self.retries = retries
        self.budgetPerMinute = budgetPerMinute; self.budgetRemaining = budgetRemaining
        self.lastSuccess = lastSuccess; self.lastError = lastError; self.lastErrorAt = lastErrorAt
        self.circuit = circuit; self.virtualNow = virtualNow; self.speed = speed
    }
}

extension MarketSource {
    /// A source that keeps no statistics reports only its name.
    public var status: MarketSourceStatus { MarketSourceStatus(name: name) }
}
