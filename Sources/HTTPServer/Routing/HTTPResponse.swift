/// A response produced by a handler. The server adds `Date`, `Content-Length`,
/// `X-Request-Id`, `Connection` and CORS headers; handlers set everything else.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ResponseBody

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(bytes))
    }

    public static func text(_ text: String, status: Int = 200,
                            contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: .bytes(Array(text.utf8)))
    }

    /// An RFC 9457 problem document without `instance`/`request_id` (the server renders those
    /// itself for problems it raises or handlers throw).
    public static func problem(_ problem: Problem, instance: String? = nil, requestID: String? = nil) -> HTTPResponse {
        HTTPResponse(status: problem.status, headers: ["Content-Type": "application/problem+json"],
                     body: .bytes(problem.json(instance: instance, requestID: requestID)))
    }

    /// An empty response, e.g. 204 or 304.
    public static func empty(status: Int) -> HTTPResponse { HTTPResponse(status: status) }

    /// A Server-Sent Events response: the handler keeps `stream` and writes events to it later.
    public static func eventStream(_ stream: ResponseStream) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"],
                     body: .stream(stream))
    }
}

/// What follows the response head.
public enum ResponseBody: Sendable {
    /// A body of known length, sent with `Content-Length`.
    case bytes([UInt8])
    /// An open-ended body written later from any thread. It is close-delimited
    /// (RFC 9112 §6.3 rule 8): no `Content-Length`, `Connection: close`, and the
    /// connection ends when the stream is closed by either side.
    case stream(ResponseStream)
    /// A body of known length sent from an in-memory file with `sendfile(2)`.
    case file(FileBackedBody)

    /// The bytes of a body of known length; nil for a stream.
    public var knownBytes: [UInt8]? {
        switch self {
        case .bytes(let b): b
        case .file(let f): f.bytes
        case .stream: nil
        }
    }
}

/// Reason phrases for status lines.
enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
