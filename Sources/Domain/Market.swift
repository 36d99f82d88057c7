/// An asset by its CoinGecko id (`bitcoin`, `ethereum`): the key of every per-asset record.
public struct AssetID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: AssetID, b: AssetID) -> Bool { a.rawValue < b.rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }

    /// CoinGecko ids are lower-case letters, digits and dashes; anything else is refused
    /// before it reaches a URL or a query.
    public var isWellFormed: Bool {
        !rawValue.isEmpty && rawValue.utf8.count <= 100 && rawValue.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95
        }
    }
}

/// The width of a bar: every market series in Sentinel is on the 5-minute grid.
public enum BarGrid {
    public static let step = Milliseconds.minutes(5)
    /// Bars per year of 5-minute bars (365 × 24 × 12), used to annualise volatility.
    public static let barsPerYear: Double = 105_120
}

/// One 5-minute OHLCV bar. `time` is the bucket's open, a multiple of 5 minutes;
/// the bar is final once `time + 5 min` has passed.
public struct Bar: Sendable, Hashable, Codable {
    public var time: Timestamp
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(time: Timestamp, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        self.time = time; self.open = open; self.high = high; self.low = low; self.close = close; self.volume = volume
    }

    /// When the bar closes: the earliest instant it may be handed out without look-ahead.
    public var closeTime: Timestamp { time + BarGrid.step }
}

/// The latest price of an asset with its 24-hour change, as a market source reports it.
public struct PriceQuote: Sendable, Hashable, Codable {
    public var asset: AssetID
    public var price: Double
    /// Fractional change over 24 h (0.0096 = +0.96 %), nil when the source cannot say.
    public var change24h: Double?
    public var volume24h: Double?
    public var marketCap: Double?
    /// When the source last updated the price.
    public var time: Timestamp

    public init(asset: AssetID, price: Double, change24h: Double?, volume24h: Double? = nil,
                marketCap: Double? = nil, time: Timestamp) {
        self.asset = asset; self.price = price; self.change24h = change24h
        self.volume24h = volume24h; self.marketCap = marketCap; self.time = time
    }
}

/// Where prices come from: CoinGecko live, or a replay of stored history on a virtual clock.
///
/// Implementations never hand out a bar that has not closed by their notion of now
/// (no look-ahead), return bars in ascending time order on the 5-minute grid, and throw
/// ``MarketSourceError`` for anything that went wrong.
public protocol MarketSource: Sendable {
    /// A short name for logs and `/v1/sources` (`coingecko`, `replay`).
    var name: String { get }
    /// The latest price with its 24 h change.
    func latestPrice(of asset: AssetID) async throws -> PriceQuote
    /// Closed 5-minute bars whose open time is at or after `since`.
    func bars(of asset: AssetID, since: Timestamp) async throws -> [Bar]
    /// How far back this source can give 5-minute bars from now (nil: unlimited).
    var historyLimit: Milliseconds? { get }
    /// Calls, budget, errors and circuit state for `/v1/sources` (a default reports the name only).
    var status: MarketSourceStatus { get }
}

/// What a market source can fail with, with the context needed to act on it.
public enum MarketSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source does not know this asset id.
    case unknownAsset(AssetID)
    /// The source is rate-limiting us; retry after the given delay if known.
    case rateLimited(retryAfter: Milliseconds?)
    /// The source answered with an HTTP error status.
    case httpStatus(Int, body: String)
    /// Nothing came back in time, or the connection failed.
    case unreachable(String)
    /// The body was not what the source's contract promises.
    case malformedResponse(String)
    /// The call budget (calls per minute) has no room and waiting would exceed the deadline.
    case budgetExhausted
    /// The circuit breaker is open after repeated failures; calls resume after the delay.
    case circuitOpen(retryAfter: Milliseconds)
    /// The request is outside what this source can give (e.g. older than its history).
    case outOfRange(String)

    public var description: String {
        switch self {
        case .unknownAsset(let a): return "unknown asset '\(a)'"
        case .rateLimited(let r): return "rate limited" + (r.map { ", retry after \($0.value) ms" } ?? "")
        case .httpStatus(let s, let body): return "HTTP \(s): \(body.prefix(200))"
        case .unreachable(let m): return "source unreachable: \(m)"
        case .malformedResponse(let m): return "malformed response: \(m)"
        case .budgetExhausted: return "call budget exhausted"
        case .circuitOpen(let r): return "circuit open, retry after \(r.value) ms"
        case .outOfRange(let m): return "out of range: \(m)"
        }
    }
}
