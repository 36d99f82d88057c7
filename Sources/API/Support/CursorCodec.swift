public import Domain
public import HTTPServer

/// Turns a store's ``PageCursor`` into the opaque `cursor` string clients pass back, and back.
///
/// The token is base64url of `route|time|id`, so a cursor from one list is rejected by
/// another (a 400 naming `cursor`), and a malformed one never reaches the store.
public struct CursorCodec: Sendable {
    /// The list this codec belongs to, e.g. `prices:bitcoin`.
    public let scope: String
    public init(scope: String) { self.scope = scope }

    public func encode(_ c: PageCursor?) -> String? {
        guard let c else { return nil }
        let plain = "\(scope)|\(c.time.milliseconds)|\(c.id ?? "")"
        return Base64URL.encode(Array(plain.utf8))
    }

    /// Decodes the `cursor` query parameter; nil when absent.
    public func decode(_ request: HTTPRequest) throws -> PageCursor? {
        guard let token = request.query["cursor"] else { return nil }
        guard token.utf8.count <= 512, let bytes = Base64URL.decode(token) else {
            throw APIProblem.invalidCursor(reason: "is not a cursor this server issued")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let ms = Int64(parts[1]) else {
            throw APIProblem.invalidCursor(reason: "is not a cursor this server issued")
        }
        guard parts[0] == scope else { throw APIProblem.invalidCursor(reason: "belongs to another list") }
        return PageCursor(time: Timestamp(milliseconds: ms), id: parts[2].isEmpty ? nil : String(parts[2]))
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(s) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)]); out.append(alphabet[Int(n >> 12 & 63)])
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)]); out.append(alphabet[Int(n >> 12 & 63)]); out.append(alphabet[Int(n >> 6 & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        var acc: UInt32 = 0, bits = 0
        for c in u {
            let v = table[Int(c)]
            guard v != 255 else { return nil }
            acc = acc << 6 | UInt32(v); bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8(acc >> UInt32(bits) & 0xff)) }
        }
        return out
    }
}
