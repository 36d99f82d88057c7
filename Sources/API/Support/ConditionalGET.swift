public import HTTPServer

/// Strong ETags on every GET and `If-None-Match` → 304, so polling dashboards pay for
/// a body only when it changed (RFC 9110 §8.8.3, §13.1.2).
public enum ConditionalGET {
    /// Wraps a writer's JSON: the ETag covers its stable part (see ``JSONWriter/markStable()``).
    public static func respond(_ request: HTTPRequest, _ writer: JSONWriter, status: Int = 200,
                               cacheControl: String = "no-cache") -> HTTPResponse {
        respond(request, json: writer.bytes, etagBasis: writer.etagBasis, status: status, cacheControl: cacheControl)
    }

    /// Wraps a JSON body: adds its ETag (of `etagBasis`, default the whole body) and answers
    /// 304 when the client already has it.
    public static func respond(_ request: HTTPRequest, json body: [UInt8], etagBasis: ArraySlice<UInt8>? = nil,
                               status: Int = 200, cacheControl: String = "no-cache") -> HTTPResponse {
        let tag = etag(etagBasis ?? body[...])
        var headers: HTTPHeaders = ["ETag": tag, "Cache-Control": cacheControl]
        if let inm = request.headers["If-None-Match"], matches(inm, tag) {
            return HTTPResponse(status: 304, headers: headers, body: .bytes([]))
        }
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: .bytes(body))
    }

    /// A strong validator from the body bytes: a 64-bit multiply–xorshift hash over 8-byte
    /// words (then the tail), quoted. Different bodies get different tags with overwhelming
    /// probability; it runs at memory speed, which matters on large pages.
    public static func etag(_ body: ArraySlice<UInt8>) -> String {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(body.count)
        body.withUnsafeBytes { raw in
            var i = 0
            let n = raw.count
            while i + 8 <= n {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            while i < n { h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3; i += 1 }
        }
        h ^= h >> 33; h = h &* 0xC4CE_B9FE_1A85_EC53; h ^= h >> 33
        let hex = String(h, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// Weak comparison over a comma-separated list, as If-None-Match requires.
    static func matches(_ header: String, _ tag: String) -> Bool {
        let bare = tag
        for raw in header.split(separator: ",") {
            var t = raw.trimmingSpaces()
            if t == "*" { return true }
            if t.hasPrefix("W/") { t = t.dropFirst(2) }
            if t == bare { return true }
        }
        return false
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
