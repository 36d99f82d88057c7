public import HTTPServer
public import Domain
import Foundation

/// Typed reading of the query and path parameters every list route shares.
extension HTTPRequest {
    /// `from`/`to` as RFC 3339 or epoch milliseconds; 400 naming the parameter otherwise,
    /// and when `from` is after `to`.
    public func timeRange() throws -> (from: Timestamp?, to: Timestamp?) {
        let from = try query.parse("from", { Timestamp(parsing: $0) }, expected: "an RFC 3339 time or epoch milliseconds")
        let to = try query.parse("to", { Timestamp(parsing: $0) }, expected: "an RFC 3339 time or epoch milliseconds")
        if let from, let to, from > to {
            throw ParameterError(name: "from", reason: "must not be after 'to'")
        }
        return (from, to)
    }

    /// `limit` (1…1000, default 50), `from`, `to` and a `cursor` decoded by `codec`.
    public func pageQuery(_ codec: CursorCodec, defaultLimit: Int = PageQuery.defaultLimit,
                          maxLimit: Int = PageQuery.maximumLimit) throws -> PageQuery {
        let limit = try query.int("limit", default: defaultLimit, range: 1...maxLimit) ?? defaultLimit
        let (from, to) = try timeRange()
        return PageQuery(limit: limit, from: from, to: to, cursor: try codec.decode(self))
    }

    /// The `{asset}` path parameter, known to be configured; 404 problem otherwise.
    public func asset(in assets: AssetCatalog) throws -> AssetDescriptor {
        let raw = try pathParameter("asset")
        guard let a = assets.descriptor(AssetID(raw)) else { throw APIProblem.unknownAsset(AssetID(raw)) }
        return a
    }
}

extension HTTPRequest {
    /// A `{name}` path parameter that must be a ULID; 400 naming it otherwise.
    public func ulidParameter(_ name: String = "id", of resource: String) throws -> ULID {
        let raw = try pathParameter(name)
        guard let id = ULID(raw) else {
            throw ParameterError(name: name, reason: "is not a \(resource) id (a 26-character ULID)", location: "path")
        }
        return id
    }

    /// An optional JSON object body with only the `allowed` fields: nil when the body is
    /// empty, a 400 naming the field otherwise (`example` shows the expected shape).
    public func jsonObjectBody(allowed: Set<String>, example: String) throws -> [String: Any]? {
        if body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return nil }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw APIProblem.invalidBody(field: "body", reason: "must be a JSON object such as \(example)")
        }
        for k in object.keys.sorted() where !allowed.contains(k) {
            throw APIProblem.invalidBody(field: k, reason: "is not a known field")
        }
        return object
    }
}

/// One configured asset as the API names it.
public struct AssetDescriptor: Sendable, Hashable {
    public var id: AssetID
    public var symbol: String
    public var name: String
    public init(id: AssetID, symbol: String, name: String) { self.id = id; self.symbol = symbol; self.name = name }

    /// Sensible names for well-known CoinGecko ids; otherwise the id itself.
    public static func known(_ id: AssetID) -> AssetDescriptor {
        switch id.rawValue {
        case "bitcoin": return AssetDescriptor(id: id, symbol: "BTC", name: "Bitcoin")
        case "ethereum": return AssetDescriptor(id: id, symbol: "ETH", name: "Ethereum")
        case "solana": return AssetDescriptor(id: id, symbol: "SOL", name: "Solana")
        default: return AssetDescriptor(id: id, symbol: id.rawValue.uppercased(), name: id.rawValue)
        }
    }
}

/// The assets this server serves, in configuration order.
public struct AssetCatalog: Sendable {
    public let all: [AssetDescriptor]
    private let byID: [AssetID: AssetDescriptor]
    public init(_ assets: [AssetDescriptor]) {
        all = assets
        byID = Dictionary(assets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
    public func descriptor(_ id: AssetID) -> AssetDescriptor? { byID[id] }
    public var ids: [AssetID] { all.map(\.id) }
}
