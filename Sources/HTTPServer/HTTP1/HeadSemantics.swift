/// Collects the header fields that decide framing and connection handling, and applies
/// RFC 9112's rejection rules (any framing ambiguity is a 400 and a closed connection).
struct HeadSemantics {
    private var hostCount = 0
    private var hostValue = ""
    private var contentLength: Int?
    private var contentLengthCount = 0
    private var transferCodings: [String] = []
    private var sawTransferEncoding = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var expectation: String?

    mutating func observe(_ name: String, _ value: String) throws(HTTPParseError) {
        // Cheap first-byte dispatch keeps ordinary fields off the slow comparison path.
        guard let first = name.utf8.first else { return }
        switch ASCII.lower(first) {
        case UInt8(ascii: "h") where HTTPHeaders.equalsIgnoringCase(name, "host"):
            hostCount += 1
            hostValue = value
        case UInt8(ascii: "c") where HTTPHeaders.equalsIgnoringCase(name, "content-length"):
            contentLengthCount += 1
            guard contentLengthCount == 1 else { throw HTTPParseError(400, "duplicate Content-Length") }
            contentLength = try Self.parseContentLength(value)
        case UInt8(ascii: "c") where HTTPHeaders.equalsIgnoringCase(name, "connection"):
            for token in value.split(separator: ",") {
                let t = token.trimmingSpaces.lowercased()
                if t == "close" { connectionClose = true } else if t == "keep-alive" { connectionKeepAlive = true }
            }
        case UInt8(ascii: "t") where HTTPHeaders.equalsIgnoringCase(name, "transfer-encoding"):
            sawTransferEncoding = true
            for token in value.split(separator: ",", omittingEmptySubsequences: false) {
                transferCodings.append(token.trimmingSpaces.lowercased())
            }
        case UInt8(ascii: "e") where HTTPHeaders.equalsIgnoringCase(name, "expect"):
            expectation = value.lowercased()
        default:
            break
        }
    }

    func head(method: HTTPMethod, target: String, minor: Int,
              headers: HTTPHeaders) throws(HTTPParseError) -> RequestHead {
        if minor == 1 && hostCount == 0 { throw HTTPParseError(400, "missing Host") }
        if hostCount > 1 { throw HTTPParseError(400, "duplicate Host") }
        if hostCount == 1 && !Self.isValidHost(hostValue) { throw HTTPParseError(400, "invalid Host") }

        var framing = BodyFraming.none
        if sawTransferEncoding {
            if minor == 0 { throw HTTPParseError(400, "Transfer-Encoding in HTTP/1.0") }
            if contentLengthCount > 0 { throw HTTPParseError(400, "both Transfer-Encoding and Content-Length") }
            framing = try Self.framing(for: transferCodings)
        } else if let contentLength, contentLength > 0 {
            framing = .length(contentLength)
        }
        var expectsContinue = false
        if let expectation, minor == 1 {
            guard expectation == "100-continue" else { throw HTTPParseError(417, "unsupported expectation") }
            expectsContinue = true
        }
        let keepAlive = minor == 1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return RequestHead(method: method, target: target, minorVersion: minor, headers: headers,
                           framing: framing, keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    /// Only plain `chunked` is implemented. A list whose last coding is not chunked, or that
    /// names chunked or identity anywhere else, is ambiguous framing (400); any other coding
    /// (gzip, …) is merely unsupported (501). Both close the connection.
    static func framing(for codings: [String]) throws(HTTPParseError) -> BodyFraming {
        if codings == ["chunked"] { return .chunked }
        if codings.contains("") { throw HTTPParseError(400, "malformed Transfer-Encoding") }
        let framingCodings = codings.filter { $0 == "chunked" || $0 == "identity" }
        if codings.last != "chunked" && !framingCodings.isEmpty {
            throw HTTPParseError(400, "Transfer-Encoding does not end in chunked")
        }
        if codings.last == "chunked" && framingCodings.count > 1 {
            throw HTTPParseError(400, "chunked applied more than once")
        }
        throw HTTPParseError(501, "transfer coding not implemented")
    }

    /// `Content-Length = 1*DIGIT`; anything else (sign, hex, list, empty, overflow) is 400.
    static func parseContentLength(_ value: String) throws(HTTPParseError) -> Int {
        guard !value.isEmpty else { throw HTTPParseError(400, "empty Content-Length") }
        var result = 0
        for b in value.utf8 {
            guard ASCII.isDigit(b) else { throw HTTPParseError(400, "malformed Content-Length") }
            let (times10, o1) = result.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(b - 48))
            if o1 || o2 { throw HTTPParseError(400, "Content-Length overflow") }
            result = sum
        }
        return result
    }

    /// uri-host [":" port]: reg-name, IPv4 or an IP-literal; no userinfo, path or whitespace.
    static func isValidHost(_ value: String) -> Bool {
        if value.isEmpty { return true }
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"): continue
            default:
                guard "-._~!$&'()*+,;=:[]%".utf8.contains(b) else { return false }
            }
        }
        return true
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
