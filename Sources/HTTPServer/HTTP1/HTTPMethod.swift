/// An HTTP request method. Methods are case-sensitive tokens (RFC 9110 §9.1);
/// the server answers 501 for any method outside ``HTTPMethod/known``.
public struct HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let patch = HTTPMethod("PATCH")
    public static let options = HTTPMethod("OPTIONS")

    /// Every method this server implements; anything else gets 501.
    public static let known: [HTTPMethod] = [.get, .head, .post, .put, .delete, .patch, .options]

    public var description: String { rawValue }

    /// Maps raw method bytes to a shared instance without allocating for known methods.
    static func known(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod? {
        switch bytes.count {
        case 3:
            if bytes[0] == 0x47, bytes[1] == 0x45, bytes[2] == 0x54 { return .get }
            if bytes[0] == 0x50, bytes[1] == 0x55, bytes[2] == 0x54 { return .put }
        case 4:
            if matches(bytes, "HEAD") { return .head }
            if matches(bytes, "POST") { return .post }
        case 5: if matches(bytes, "PATCH") { return .patch }
        case 6: if matches(bytes, "DELETE") { return .delete }
        case 7: if matches(bytes, "OPTIONS") { return .options }
        default: break
        }
        return nil
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for i in 0..<bytes.count where bytes[i] != p[i] { return false }
        return true
    }
}
