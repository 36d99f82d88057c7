/// Serialises response heads straight into a connection's output buffer: no intermediate
/// strings for the fixed parts, status lines precomputed.
enum ResponseEncoder {
    private static let statusLines: [[UInt8]] = (0..<600).map { status in
        status < 100 ? [] : Array("HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n".utf8)
    }

    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let contentLength: [UInt8] = Array("Content-Length: ".utf8)
    private static let requestID: [UInt8] = Array("X-Request-Id: ".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
    private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]

    enum ConnectionHeader { case none, close, keepAlive }

    /// Whether a response with `status` may carry content (RFC 9110 §6.4.1).
    static func allowsBody(_ status: Int) -> Bool { status >= 200 && status != 204 && status != 304 }

    static func appendHead(to out: inout [UInt8], status: Int, headers: HTTPHeaders, date: [UInt8],
                           requestID id: String, contentLength length: Int?, connection: ConnectionHeader) {
        if status >= 100 && status < 600 {
            out.append(contentsOf: statusLines[status])
        } else {
            out.append(contentsOf: "HTTP/1.1 \(status) Status\r\n".utf8)
        }
        for field in headers where !isServerOwned(field.name) {
            out.append(contentsOf: field.name.utf8)
            out.append(ASCII.colon)
            out.append(ASCII.sp)
            // Header values reaching the wire never contain CR/LF (response splitting).
            for b in field.value.utf8 where b != ASCII.cr && b != ASCII.lf { out.append(b) }
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: date)
        out.append(contentsOf: requestID)
        out.append(contentsOf: id.utf8)
        out.append(contentsOf: crlf)
        if let length {
            out.append(contentsOf: contentLength)
            appendDecimal(length, to: &out)
            out.append(contentsOf: crlf)
        }
        switch connection {
        case .none: break
        case .close: out.append(contentsOf: connectionClose)
        case .keepAlive: out.append(contentsOf: connectionKeepAlive)
        }
        out.append(contentsOf: crlf)
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value, n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 && n < 20 { d[n] = UInt8(48 + v % 10); v /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// Fields the server writes itself; a handler's copy is dropped so framing can't conflict.
    private static func isServerOwned(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return true }
        switch ASCII.lower(first) {
        case UInt8(ascii: "c"):
            return HTTPHeaders.equalsIgnoringCase(name, "content-length")
                || HTTPHeaders.equalsIgnoringCase(name, "connection")
        case UInt8(ascii: "t"): return HTTPHeaders.equalsIgnoringCase(name, "transfer-encoding")
        case UInt8(ascii: "d"): return HTTPHeaders.equalsIgnoringCase(name, "date")
        case UInt8(ascii: "x"): return HTTPHeaders.equalsIgnoringCase(name, "x-request-id")
        default: return false
        }
    }
}
