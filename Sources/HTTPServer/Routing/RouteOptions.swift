/// Per-route settings.
public struct RouteOptions: Sendable {
    /// Where a handler runs.
    public enum Execution: Sendable, Equatable {
        /// On the event-loop thread: only for fast, non-blocking, in-memory handlers.
        case inline
        /// On the server's fixed pool of handler threads (the default).
        case offload
    }

    /// Largest request body accepted; larger gets 413 before the body is read.
    public var bodyLimit: Int
    public var execution: Execution

    public init(bodyLimit: Int = 1 << 20, execution: Execution = .offload) {
        self.bodyLimit = bodyLimit
        self.execution = execution
    }

    public static let inline = RouteOptions(execution: .inline)
}

/// A synchronous request handler. It runs on an event-loop thread or a handler thread,
/// never on Swift's cooperative pool, so it may block only when its route is `.offload`.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// A registered route.
struct Route: Sendable {
    var method: HTTPMethod
    var pattern: String
    var options: RouteOptions
    var handler: HTTPHandler
}
