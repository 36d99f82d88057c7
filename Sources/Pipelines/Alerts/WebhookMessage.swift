public import Domain
import Foundation
import Hashing

/// The bytes and headers of one alert's webhook POST, and the signature scheme:
/// `X-Sentinel-Timestamp: <unix seconds>` and
/// `X-Sentinel-Signature: sha256=<lower-case hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
/// Without a secret the signature header is left out.
public struct WebhookMessage: Sendable, Hashable {
    public var body: [UInt8]
    public var headers: [WebhookHeader]

    public static let signatureHeader = "X-Sentinel-Signature"
    public static let timestampHeader = "X-Sentinel-Timestamp"

    public init(alert: Alert, format: WebhookFormat, secret: [UInt8]?, timestamp: Timestamp) {
        body = Self.body(alert, format: format)
        let seconds = String(timestamp.seconds)
        var headers = [WebhookHeader("Content-Type", "application/json"), WebhookHeader(Self.timestampHeader, seconds)]
        if let secret, !secret.isEmpty {
            headers.append(WebhookHeader(Self.signatureHeader, "sha256=" + Self.signature(secret: secret, timestamp: seconds, body: body)))
        }
        self.headers = headers
    }

    /// Lower-case hex HMAC-SHA256 of `"<timestamp>.<body>"`.
    public static func signature(secret: [UInt8], timestamp: String, body: [UInt8]) -> String {
        HMACSHA256.hex(key: secret, message: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body)
    }

    /// Checks a received signature header against the body (what a receiver does), in constant time.
    public static func verify(secret: [UInt8], timestamp: String, body: [UInt8], signatureHeader: String) -> Bool {
        guard signatureHeader.hasPrefix("sha256=") else { return false }
        let expected = Array(("sha256=" + signature(secret: secret, timestamp: timestamp, body: body)).utf8)
        return ConstantTime.equals(expected, Array(signatureHeader.utf8))
    }

    /// One line a chat channel shows.
    public static func text(_ a: Alert) -> String {
        let subject = a.asset.map { "\($0.rawValue) " } ?? ""
        return "[\(a.severity.rawValue.uppercased())] \(subject)\(a.kind.rawValue): \(a.message) (alert \(a.id), raised \(a.raisedAt.rfc3339))"
    }

    static func body(_ a: Alert, format: WebhookFormat) -> [UInt8] {
        var out = "{"
        switch format {
        case .slack: out += "\"text\":" + quoted(text(a))
        case .discord: out += "\"content\":" + quoted(text(a))
        case .generic:
            out += "\"id\":" + quoted(a.id.string)
            out += ",\"asset\":" + (a.asset.map { quoted($0.rawValue) } ?? "null")
            out += ",\"kind\":" + quoted(a.kind.rawValue)
            out += ",\"severity\":" + quoted(a.severity.rawValue)
            out += ",\"status\":" + quoted(a.resolvedAt == nil ? "open" : "resolved")
            out += ",\"message\":" + quoted(a.message)
            out += ",\"value\":" + number(a.value)
            out += ",\"threshold\":" + number(a.threshold)
            out += ",\"raised_at\":" + quoted(a.raisedAt.rfc3339)
            out += ",\"resolved_at\":" + (a.resolvedAt.map { quoted($0.rfc3339) } ?? "null")
        }
        out += "}"
        return Array(out.utf8)
    }

    static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "null" }
        return "\(x)"
    }

    static func quoted(_ s: String) -> String { JSONValue.quoted(s) }
}
