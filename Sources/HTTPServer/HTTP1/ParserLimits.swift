/// Size limits applied while parsing a request; defaults follow hardening.md §1.
public struct ParserLimits: Sendable, Equatable {
    /// Longest request line; longer gets 414.
    public var requestLine: Int = 8 * 1024
    /// Largest header section after the request line; larger gets 431.
    public var headerSection: Int = 16 * 1024
    /// Most header fields; more gets 431.
    public var headerFields: Int = 100
    /// Longest chunk-size line, extensions included; longer gets 400.
    public var chunkLine: Int = 4 * 1024
    /// Body limit for requests whose route sets none (and for unmatched routes).
    public var defaultBody: Int = 1 << 20

    public init() {}
}

/// Why a request was rejected while parsing: the status to answer with (the connection is
/// always closed afterwards) and a short reason that is safe to show the client.
struct HTTPParseError: Error, Equatable, CustomStringConvertible {
    var status: Int
    var reason: String

    init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    var description: String { "\(status) \(reason)" }
}

/// How the request body is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}

/// A parsed and validated request head.
struct RequestHead {
    var method: HTTPMethod
    var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1 and any higher 1.x.
    var minorVersion: Int
    var headers: HTTPHeaders
    var framing: BodyFraming
    var keepAlive: Bool
    var expectsContinue: Bool
}
