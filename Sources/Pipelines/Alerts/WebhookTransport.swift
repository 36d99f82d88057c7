public import Domain

/// Sends one webhook POST. The real one (libcurl) lives in the executable's wiring; tests
/// swap in their own. Implementations block the calling thread (the dispatcher's own).
public protocol WebhookTransport: Sendable {
    /// POSTs `body` with `headers`; returns the HTTP status. Throws ``WebhookTransportError``
    /// when no response arrived (refused, timed out, broken).
    func post(url: String, headers: [WebhookHeader], body: [UInt8], timeout: Milliseconds) throws(WebhookTransportError) -> Int
}

/// One request header of a webhook POST.
public struct WebhookHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// Why a webhook attempt got no response.
public enum WebhookTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case timeout(String)
    case couldNotConnect(String)
    case other(String)

    public var description: String {
        switch self {
        case .timeout(let m): "timeout: \(m)"
        case .couldNotConnect(let m): "could not connect: \(m)"
        case .other(let m): m
        }
    }
}

/// The body shape a receiver expects.
public enum WebhookFormat: String, Sendable, Hashable, CaseIterable {
    /// `{"text": "..."}` (Slack incoming webhooks).
    case slack
    /// `{"content": "..."}` (Discord webhooks).
    case discord
    /// The alert object itself.
    case generic
}

/// One configured receiver.
public struct WebhookEndpoint: Sendable, Hashable {
    public var url: String
    public var format: WebhookFormat
    public init(url: String, format: WebhookFormat) { self.url = url; self.format = format }
}
