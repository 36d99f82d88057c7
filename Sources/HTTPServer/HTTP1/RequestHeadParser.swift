/// Incremental, strict RFC 9112 request-head parser.
///
/// The caller passes the same unconsumed bytes again, plus whatever arrived since, each
/// time more input arrives; the parser remembers how far it has scanned, so the total work
/// is linear. Line ends must be CRLF (bare CR or LF → 400). Nothing is built until the
/// whole head is present, which makes the result independent of how input was split.
struct RequestHeadParser {
    let limits: ParserLimits
    private var scanned = 0
    private var start = 0
    private var lineStart = 0
    private var requestLineEnd = -1
    private var fieldCount = 0

    init(limits: ParserLimits) { self.limits = limits }

    mutating func reset() { self = RequestHeadParser(limits: limits) }

    /// Returns the head and the number of bytes it occupied, or nil when more input is needed.
    mutating func parse(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (RequestHead, Int)? {
        let n = buf.count
        if scanned == 0 {
            // RFC 9112 §2.2: ignore (exactly one) empty line before the request line.
            guard n >= 2 || (n == 1 && buf[0] != ASCII.cr && buf[0] != ASCII.lf) else {
                if n == 1 && buf[0] == ASCII.lf { throw HTTPParseError(400, "bare LF") }
                return nil
            }
            if buf[0] == ASCII.cr && buf[1] == ASCII.lf { start = 2 }
            scanned = start
            lineStart = start
        }
        var i = scanned
        while i < n {
            let b = buf[i]
            if b == ASCII.lf {
                guard i > lineStart, buf[i - 1] == ASCII.cr else { throw HTTPParseError(400, "bare LF") }
                let lineLength = i - 1 - lineStart
                if requestLineEnd < 0 {
                    if lineLength > limits.requestLine { throw HTTPParseError(414, "request line too long") }
                    if lineLength == 0 { throw HTTPParseError(400, "empty request line") }
                    requestLineEnd = i
                } else if lineLength == 0 {
                    if i - requestLineEnd > limits.headerSection {
                        throw HTTPParseError(431, "header section too large")
                    }
                    let head = try buildHead(buf, end: i + 1)
                    return (head, i + 1)
                } else {
                    fieldCount += 1
                    if fieldCount > limits.headerFields { throw HTTPParseError(431, "too many header fields") }
                }
                lineStart = i + 1
            } else if b == ASCII.cr {
                guard i + 1 < n else { break }
                if buf[i + 1] != ASCII.lf { throw HTTPParseError(400, "bare CR") }
            }
            i += 1
        }
        scanned = i
        if requestLineEnd < 0 {
            if n - start > limits.requestLine + 2 { throw HTTPParseError(414, "request line too long") }
        } else if n - requestLineEnd > limits.headerSection + 2 {
            throw HTTPParseError(431, "header section too large")
        }
        return nil
    }

    private func buildHead(_ buf: UnsafeBufferPointer<UInt8>, end: Int) throws(HTTPParseError) -> RequestHead {
        // Request line: method SP request-target SP HTTP-version
        let lineEnd = requestLineEnd - 1
        var i = start
        while i < lineEnd && buf[i] != ASCII.sp { i += 1 }
        let methodBytes = UnsafeBufferPointer(rebasing: buf[start..<i])
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ASCII.isTChar) else {
            throw HTTPParseError(400, "malformed method")
        }
        guard i < lineEnd else { throw HTTPParseError(400, "malformed request line") }
        i += 1
        let targetStart = i
        while i < lineEnd && buf[i] != ASCII.sp {
            guard buf[i] > 0x20 && buf[i] < 0x7F else { throw HTTPParseError(400, "invalid byte in request target") }
            i += 1
        }
        guard i > targetStart, i < lineEnd else { throw HTTPParseError(400, "malformed request line") }
        let targetBytes = UnsafeBufferPointer(rebasing: buf[targetStart..<i])
        let minor = try Self.parseVersion(UnsafeBufferPointer(rebasing: buf[(i + 1)..<lineEnd]))
        guard let method = HTTPMethod.known(methodBytes) else { throw HTTPParseError(501, "method not implemented") }
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard targetBytes.first == UInt8(ascii: "/") || target.hasPrefix("http://") || target.hasPrefix("https://")
                || (target == "*" && method == .options) else {
            throw HTTPParseError(400, "malformed request target")
        }

        var headers = HTTPHeaders()
        headers.fields.reserveCapacity(fieldCount)
        var semantics = HeadSemantics()
        var line = requestLineEnd + 1
        while line < end - 2 {
            var lf = line
            while buf[lf] != ASCII.lf { lf += 1 }
            let field = try Self.parseField(buf, from: line, to: lf - 1)
            try semantics.observe(field.name, field.value)
            headers.fields.append(field)
            line = lf + 1
        }
        return try semantics.head(method: method, target: target, minor: minor, headers: headers)
    }

    private static func parseVersion(_ v: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        // Byte compares: building arrays for "HTTP/" here was two allocations per request.
        guard v.count == 8, v[0] == UInt8(ascii: "H"), v[1] == UInt8(ascii: "T"), v[2] == UInt8(ascii: "T"),
              v[3] == UInt8(ascii: "P"), v[4] == UInt8(ascii: "/"), ASCII.isDigit(v[5]), v[6] == UInt8(ascii: "."),
              ASCII.isDigit(v[7]) else {
            throw HTTPParseError(400, "malformed HTTP version")
        }
        guard v[5] == UInt8(ascii: "1") else { throw HTTPParseError(505, "HTTP version not supported") }
        return v[7] == UInt8(ascii: "0") ? 0 : 1
    }

    private static func parseField(_ buf: UnsafeBufferPointer<UInt8>, from: Int,
                                   to: Int) throws(HTTPParseError) -> (name: String, value: String) {
        if buf[from] == ASCII.sp || buf[from] == ASCII.htab { throw HTTPParseError(400, "obsolete line folding") }
        var i = from
        while i < to && buf[i] != ASCII.colon {
            guard ASCII.isTChar(buf[i]) else { throw HTTPParseError(400, "invalid header field name") }
            i += 1
        }
        guard i < to, i > from else {
            throw HTTPParseError(400, "malformed header field")
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: buf[from..<i]), as: UTF8.self)
        var vs = i + 1, ve = to
        while vs < ve && (buf[vs] == ASCII.sp || buf[vs] == ASCII.htab) { vs += 1 }
        while ve > vs && (buf[ve - 1] == ASCII.sp || buf[ve - 1] == ASCII.htab) { ve -= 1 }
        for k in vs..<ve where !ASCII.isFieldValueByte(buf[k]) {
            throw HTTPParseError(400, "invalid byte in header value")
        }
        return (name, String(decoding: UnsafeBufferPointer(rebasing: buf[vs..<ve]), as: UTF8.self))
    }
}
