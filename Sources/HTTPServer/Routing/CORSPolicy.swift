/// Which browser origins may call the API (Fetch CORS). Origins match exactly; `"*"` allows
/// any origin and is rejected at start when combined with credentials.
public struct CORSPolicy: Sendable {
    public var allowedOrigins: [String]
    public var allowCredentials: Bool
    /// Preflight cache lifetime in seconds (`Access-Control-Max-Age`).
    public var maxAge: Int
    public var allowedHeaders: [String]
    public var exposedHeaders: [String]

    public init(allowedOrigins: [String] = [], allowCredentials: Bool = false, maxAge: Int = 600,
                allowedHeaders: [String] = ["Authorization", "Content-Type", "Idempotency-Key",
                                            "If-None-Match", "Last-Event-ID", "X-Request-Id"],
                exposedHeaders: [String] = ["ETag", "Location", "Retry-After", "X-Request-Id"]) {
        self.allowedOrigins = allowedOrigins
        self.allowCredentials = allowCredentials
        self.maxAge = maxAge
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
    }

    /// Allows no cross-origin use at all.
    public static let disabled = CORSPolicy()

    var isValid: Bool { !(allowCredentials && allowedOrigins.contains("*")) }

    /// The `Access-Control-Allow-Origin` value for `origin`, or nil when it is not allowed.
    func allowOrigin(for origin: String) -> String? {
        if allowedOrigins.contains(origin) { return origin }
        if allowedOrigins.contains("*") { return "*" }
        return nil
    }

    /// Adds the headers for an actual (non-preflight) response.
    func apply(origin: String?, to headers: inout HTTPHeaders) {
        guard let origin, !allowedOrigins.isEmpty else { return }
        headers.add("Vary", "Origin")
        guard let allowed = allowOrigin(for: origin) else { return }
        headers.add("Access-Control-Allow-Origin", allowed)
        if allowCredentials { headers.add("Access-Control-Allow-Credentials", "true") }
        if !exposedHeaders.isEmpty { headers.add("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", ")) }
    }

    /// The answer to a preflight `OPTIONS` (one with Origin and Access-Control-Request-Method).
    func preflight(origin: String, allow: String, requestHeaders: String?) -> HTTPResponse {
        var response = HTTPResponse(status: 204)
        response.headers.add("Vary", "Origin")
        guard let allowed = allowOrigin(for: origin) else { return response }
        response.headers.add("Access-Control-Allow-Origin", allowed)
        if allowCredentials { response.headers.add("Access-Control-Allow-Credentials", "true") }
        response.headers.add("Access-Control-Allow-Methods", allow)
        response.headers.add("Access-Control-Allow-Headers", allowedHeaders.joined(separator: ", "))
        response.headers.add("Access-Control-Max-Age", String(maxAge))
        return response
    }
}
