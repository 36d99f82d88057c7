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

    /// A strong validator from the body bytes: 64-bit FNV-1a, quoted.
    public static func etag(_ body: ArraySlice<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in body { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
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
