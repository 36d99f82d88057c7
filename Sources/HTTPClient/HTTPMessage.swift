/// The HTTP methods Sentinel sends. Only GET is retried by callers: POST is not idempotent.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
}

/// One outbound request: an absolute `http`/`https` URL, headers and an optional body.
///
/// Header names and values must not contain CR or LF (refused as `.invalidRequest`), so no
/// caller can smuggle a second header or request through a value.
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Overrides the client's total timeout for this request.
    public var timeout: Duration?

    public init(method: HTTPMethod = .get, url: String, headers: [HTTPHeader] = [],
                body: [UInt8] = [], timeout: Duration? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body; self.timeout = timeout
    }

    /// A GET of `url` with the given headers.
    public static func get(_ url: String, headers: [HTTPHeader] = [], timeout: Duration? = nil) -> HTTPRequest {
        HTTPRequest(method: .get, url: url, headers: headers, timeout: timeout)
    }

    /// A POST of `body` to `url` with the given headers.
    public static func post(_ url: String, headers: [HTTPHeader] = [], body: [UInt8], timeout: Duration? = nil) -> HTTPRequest {
        HTTPRequest(method: .post, url: url, headers: headers, body: body, timeout: timeout)
    }
}

/// A header field as sent: the name keeps the caller's spelling.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// A complete response: status, headers with lower-cased names, and the body bytes.
///
/// Repeated header fields are joined with ", " (RFC 9110 §5.3). Only the final response's
/// headers are kept (interim `100 Continue` headers are dropped).
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header fields keyed by lower-cased name.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The value of a header field, whatever the case of `name`.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as UTF-8 text, with invalid sequences repaired (for messages and logs).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
