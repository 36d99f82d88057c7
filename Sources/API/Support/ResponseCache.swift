public import HTTPServer
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Rendered list pages kept for a moment, so dashboards polling the same page are answered
/// without a query or an encoding.
///
/// An entry is used while it is younger than `maxAge` and its scope (e.g. one asset's
/// predictions) has not been invalidated since it was rendered; in-process writers invalidate
/// through events, and `maxAge` bounds how stale a page can be when another process (a
/// `sentinel run` from cron) wrote to the store. Only successful renders are cached.
///
/// One render per page at a time: when an entry expires while many clients poll it, the
/// first miss renders and the others wait for that render instead of repeating it (a
/// dashboard fleet would otherwise run the same query and encoding once per client, every
/// `maxAge`). A waiter renders itself only if the render it waited for failed or its scope
/// was invalidated meanwhile.
public final class ResponseCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var renderedAt: UInt64
        /// The complete 200 response, so a hit builds nothing.
        var response: HTTPResponse
        var etag: String
    }

    private struct Key: Hashable {
        var scope: String
        var target: String
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var generations: [String: UInt64] = [:]
        /// Renders under way, by page; waiters block on the flight until it lands.
        var flights: [Key: RenderFlight] = [:]
    }

    private let state = Mutex(State())
    /// Pages at least this large are kept file-backed (``FileBackedBody``).
    static let fileBodyMinimum = 16 * 1024
    /// Seconds an entry may be served.
    public let maxAge: Double
    /// Entries kept at most; the cache is cleared when it would grow beyond.
    public let capacity: Int

    public init(maxAge: Double = 1, capacity: Int = 4096) {
        self.maxAge = maxAge; self.capacity = capacity
    }

    /// Every cached page of `scope` is stale from now on.
    public func invalidate(scope: String) {
        state.withLock { $0.generations[scope, default: 0] &+= 1 }
    }

    /// The cached page for this request target, or `render`'s, cached for the next caller.
    public func respond(_ request: HTTPRequest, scope: String, render: () throws -> JSONWriter) throws -> HTTPResponse {
        if let hit = cached(request, scope: scope) { return hit }
        let key = Key(scope: scope, target: request.target)
        let (flight, leads) = state.withLock { s -> (RenderFlight, Bool) in
            if let f = s.flights[key] { return (f, false) }
            let f = RenderFlight()
            s.flights[key] = f
            return (f, true)
        }
        if !leads {
            flight.wait()
            if let hit = cached(request, scope: scope) { return hit }
            return try renderAndStore(request, key: key, render: render)
        }
        defer {
            state.withLock { _ = $0.flights.removeValue(forKey: key) }
            flight.land()
        }
        return try renderAndStore(request, key: key, render: render)
    }

    private func renderAndStore(_ request: HTTPRequest, key: Key, render: () throws -> JSONWriter) throws -> HTTPResponse {
        let now = Self.monotonicNanoseconds()
        let generation = state.withLock { $0.generations[key.scope, default: 0] }
        let writer = try render()
        let etag = ConditionalGET.etag(writer.etagBasis)
        // A large page is kept in an in-memory file, so every hit is sent with sendfile(2).
        let bytes = writer.bytes
        let body: ResponseBody = bytes.count >= Self.fileBodyMinimum ? (FileBackedBody(bytes).map { .file($0) } ?? .bytes(bytes)) : .bytes(bytes)
        let response = HTTPResponse(status: 200, headers: ["ETag": etag, "Cache-Control": "no-cache",
                                                           "Content-Type": "application/json"],
                                    body: body)
        let entry = Entry(generation: generation, renderedAt: now, response: response, etag: etag)
        state.withLock { s in
            if s.entries.count >= capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = entry
        }
        return Self.conditional(request, entry)
    }

    /// The cached page for this request target if there is a fresh one; never renders or
    /// blocks, so an event loop may call it before offloading a render.
    ///
    /// Only successful renders are cached under their exact target, so a hit also means the
    /// target's parameters were valid.
    public func cached(_ request: HTTPRequest, scope: String) -> HTTPResponse? {
        let now = Self.monotonicNanoseconds()
        let limit = UInt64(maxAge * 1e9)
        let key = Key(scope: scope, target: request.target)
        let hit: Entry? = state.withLock { s in
            guard let e = s.entries[key], e.generation == s.generations[scope, default: 0], now &- e.renderedAt < limit else {
                return nil
            }
            return e
        }
        return hit.map { Self.conditional(request, $0) }
    }

    private static func conditional(_ request: HTTPRequest, _ entry: Entry) -> HTTPResponse {
        if let inm = request.headers["If-None-Match"], ConditionalGET.matches(inm, entry.etag) {
            return HTTPResponse(status: 304, headers: ["ETag": entry.etag, "Cache-Control": "no-cache"], body: .bytes([]))
        }
        return entry.response
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// One render in progress: waiters block until the renderer lands it (whatever the outcome).
private final class RenderFlight: Sendable {
    private let group = DispatchGroup()

    init() { group.enter() }
    func wait() { group.wait() }
    func land() { group.leave() }
}
