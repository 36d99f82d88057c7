#if canImport(Glibc)
import Glibc
#endif

/// Everything tunable about the server. Defaults follow hardening.md §1.
public struct ServerConfiguration: Sendable {
    /// Time limits, in seconds.
    public struct Timeouts: Sendable {
        /// Absolute deadline for a request head, from its first byte (not reset per byte) → 408.
        public var header: Double = 10
        /// Longest pause between two body reads → 408.
        public var bodyIdle: Double = 10
        /// Minimum average body rate once a body has taken longer than 2 s → 408.
        public var bodyMinimumBytesPerSecond: Int = 1024
        /// Whole request (head + body) deadline → 408.
        public var request: Double = 30
        /// Idle keep-alive connections are closed silently after this.
        public var keepAliveIdle: Double = 15
        /// A response whose bytes make no progress for this long is abandoned.
        public var writeIdle: Double = 10

        public init() {}
    }

    public var host: String = "127.0.0.1"
    /// 0 picks an ephemeral port; read the result from ``HTTPServer/port``.
    public var port: Int = 0
    /// Event-loop threads; defaults to the number of online CPUs.
    public var eventLoops: Int = ServerConfiguration.onlineCPUs
    /// Threads that run `.offload` handlers.
    public var handlerThreads: Int = max(4, ServerConfiguration.onlineCPUs * 2)
    /// Beyond this many open connections, new ones get a 503 and are closed at once.
    public var maxConnections: Int = 10_000
    /// Open connections allowed from one IP address.
    public var maxConnectionsPerClient: Int = 256
    public var limits = ParserLimits()
    public var timeouts = Timeouts()
    /// The last request on a connection gets `Connection: close`.
    public var maxRequestsPerConnection: Int = 1000
    public var cors = CORSPolicy.disabled
    /// How long shutdown() waits for in-flight requests before closing everything.
    public var shutdownGrace: Double = 10
    /// Unsent bytes a ``ResponseStream`` may hold before its client is dropped.
    public var streamBufferLimit: Int = 1 << 20
    public var backlog: Int32 = 4096
    /// The buffered per-loop access log. Nil: each request is one `info` event on the
    /// server's logger instead (simple, but a swift-log event and a write per request).
    public var accessLog: AccessLog?

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
    }

    public static var onlineCPUs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func validate() throws(ServerError) {
        guard (0...65535).contains(port) else { throw .invalidConfiguration("port \(port) out of range") }
        guard eventLoops >= 1, handlerThreads >= 1 else {
            throw .invalidConfiguration("eventLoops and handlerThreads must be at least 1")
        }
        guard maxConnections >= 1, maxConnectionsPerClient >= 1 else {
            throw .invalidConfiguration("connection limits must be at least 1")
        }
        guard cors.isValid else {
            throw .invalidConfiguration("CORS origin \"*\" cannot be combined with credentials")
        }
    }
}
