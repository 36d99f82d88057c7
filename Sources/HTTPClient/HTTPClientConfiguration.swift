/// Limits applied to every request a client sends (hardening.md §7: libcurl's own defaults
/// are a 300 s connect timeout and no total timeout at all).
public struct HTTPClientConfiguration: Sendable, Hashable {
    /// Time allowed to establish the TCP (and TLS) connection.
    public var connectTimeout: Duration = .seconds(3)
    /// Time allowed for the whole transfer; a request may override it.
    public var totalTimeout: Duration = .seconds(10)
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` is aborted.
    public var lowSpeedLimit: Int = 1
    public var lowSpeedTime: Duration = .seconds(5)
    /// The largest response (headers + decoded body) accepted, in bytes.
    public var maxResponseBytes: Int = 5 * 1024 * 1024
    /// Worker threads (and so concurrent transfers) serving the async API.
    public var workerThreads: Int = 4
    /// `https` only unless this is set; plain `http` to a loopback host (a local mock
    /// server) is always allowed, since it never leaves the machine.
    public var allowPlainHTTP: Bool = false
    public var userAgent: String = "sentinel/1"

    public init() {}

    public init(connectTimeout: Duration = .seconds(3), totalTimeout: Duration = .seconds(10),
                maxResponseBytes: Int = 5 * 1024 * 1024, workerThreads: Int = 4, allowPlainHTTP: Bool = false) {
        self.connectTimeout = connectTimeout; self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes; self.workerThreads = workerThreads
        self.allowPlainHTTP = allowPlainHTTP
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive duration never becomes "no limit" (0).
    var wholeMilliseconds: Int {
        let c = components
        let ms = c.seconds * 1000 + (c.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(max(ms, 1))
    }
}
