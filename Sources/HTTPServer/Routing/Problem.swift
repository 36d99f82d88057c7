/// An error that knows how to present itself as an RFC 9457 problem document.
/// Handlers throw these for client errors; anything else thrown becomes a logged 500
/// whose body reveals nothing about the failure.
public protocol ProblemError: Error {
    var status: Int { get }
    /// A short slug; rendered as `urn:sentinel:problem:<slug>`.
    var problemType: String { get }
    var title: String { get }
    var detail: String { get }
    var invalidParameters: [InvalidParameter] { get }
}

extension ProblemError {
    public var invalidParameters: [InvalidParameter] { [] }
}

/// One offending input named in a problem document's `errors` array.
public struct InvalidParameter: Sendable, Equatable {
    public var name: String
    /// Where the input came from: "query", "path", "header" or "body".
    public var location: String
    public var reason: String

    public init(name: String, location: String, reason: String) {
        self.name = name
        self.location = location
        self.reason = reason
    }
}

/// A generic problem: the server's own rejections and any handler that needs no custom type.
public struct Problem: Sendable, ProblemError, Equatable {
    public var status: Int
    public var problemType: String
    public var title: String
    public var detail: String
    public var invalidParameters: [InvalidParameter]

    public init(status: Int, type: String, title: String, detail: String,
                invalidParameters: [InvalidParameter] = []) {
        self.status = status
        self.problemType = type
        self.title = title
        self.detail = detail
        self.invalidParameters = invalidParameters
    }

    public init(_ error: any ProblemError) {
        self.init(status: error.status, type: error.problemType, title: error.title,
                  detail: error.detail, invalidParameters: error.invalidParameters)
    }

    /// Renders the problem as `application/problem+json` bytes.
    public func json(instance: String?, requestID: String?) -> [UInt8] {
        var out = JSONText()
        out.raw("{\"type\":")
        out.string("urn:sentinel:problem:" + problemType)
        out.raw(",\"title\":"); out.string(title)
        out.raw(",\"status\":"); out.raw(String(status))
        out.raw(",\"detail\":"); out.string(detail)
        if let instance { out.raw(",\"instance\":"); out.string(instance) }
        if let requestID { out.raw(",\"request_id\":"); out.string(requestID) }
        if !invalidParameters.isEmpty {
            out.raw(",\"errors\":[")
            for (i, p) in invalidParameters.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw("{\"name\":"); out.string(p.name)
                out.raw(",\"in\":"); out.string(p.location)
                out.raw(",\"reason\":"); out.string(p.reason)
                out.raw("}")
            }
            out.raw("]")
        }
        out.raw("}")
        return out.bytes
    }
}

extension Problem {
    static func status(_ status: Int, _ detail: String) -> Problem {
        let (slug, title) = Problem.describe(status)
        return Problem(status: status, type: slug, title: title, detail: detail)
    }

    static func describe(_ status: Int) -> (slug: String, title: String) {
        switch status {
        case 400: ("bad-request", "Bad Request")
        case 404: ("not-found", "Not Found")
        case 405: ("method-not-allowed", "Method Not Allowed")
        case 408: ("request-timeout", "Request Timeout")
        case 413: ("content-too-large", "Content Too Large")
        case 414: ("uri-too-long", "URI Too Long")
        case 417: ("expectation-failed", "Expectation Failed")
        case 431: ("header-fields-too-large", "Request Header Fields Too Large")
        case 500: ("internal", "Internal Server Error")
        case 501: ("not-implemented", "Not Implemented")
        case 503: ("unavailable", "Service Unavailable")
        case 505: ("http-version-not-supported", "HTTP Version Not Supported")
        default: ("error", HTTPStatus.reason(status))
        }
    }
}

/// A minimal JSON writer for the few documents this module renders itself.
struct JSONText {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 10: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
