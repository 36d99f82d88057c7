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
    /// For `.offload` routes: a non-blocking attempt made on the event loop first (typically
    /// a cache lookup). A response it returns is sent at once; nil offloads the handler.
    /// It spares a cache hit two thread hand-offs, which cost more than the hit itself.
    public var inlineAttempt: (@Sendable (HTTPRequest) -> HTTPResponse?)?

    public init(bodyLimit: Int = 1 << 20, execution: Execution = .offload,
                inlineAttempt: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil) {
        self.bodyLimit = bodyLimit
        self.execution = execution
        self.inlineAttempt = inlineAttempt
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
