public import HTTPServer
public import Domain

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
