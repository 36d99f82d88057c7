import ArgumentParser
import Foundation

/// How `sentinel serve` listens and who may write. Each option falls back to a
/// `SENTINEL_*` environment variable, then to the default.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "Address to listen on (env SENTINEL_HOST; default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on, 0 for any free one (env SENTINEL_PORT; default 8080).")
    var port: Int?

    @Option(name: .long, help: "Pipeline worker threads (env SENTINEL_WORKERS; default: cores).")
    var workers: Int?

    @Option(name: .long, help: "HTTP event-loop threads (env SENTINEL_EVENT_LOOPS; default: cores).")
    var eventLoops: Int?

    @Flag(name: .long, help: "Allow listening beyond loopback without API keys (env SENTINEL_ALLOW_UNAUTHENTICATED).")
    var allowUnauthenticated = false

    @Option(name: .customLong("api-key"), help: "API key allowed to write (POST); repeatable (env SENTINEL_API_KEYS, comma-separated).")
    var apiKeys: [String] = []

    @Option(name: .customLong("read-key"), help: "API key that may only read; repeatable (env SENTINEL_READ_KEYS).")
    var readKeys: [String] = []

    @Option(name: .customLong("cors-origin"), help: "Browser origin allowed by CORS; repeatable (env SENTINEL_CORS_ORIGINS).")
    var corsOrigins: [String] = []

    @Option(name: .long, help: "Pipeline triggers allowed per client per minute (env SENTINEL_TRIGGER_LIMIT; default 30, burst a third of it, at least 10).")
    var triggerLimit: Int?

    @Option(name: .long, help: "Seconds a rendered prediction history page may be reused; writes in this process invalidate it at once, writes by other processes show within this bound; 0 disables (env SENTINEL_PAGE_CACHE_SECONDS; default 1).")
    var pageCacheSeconds: Double?

    @Flag(name: .long, help: "Serve the API without running the scheduler (pipelines run only when triggered).")
    var noScheduler = false

    @Option(name: .long, help: "Seconds to let in-flight requests finish on SIGTERM (env SENTINEL_SHUTDOWN_GRACE; default 10).")
    var shutdownGrace: Double?

    func resolvedTriggerLimit() throws -> Int {
        let v = try triggerLimit ?? Environment.int("SENTINEL_TRIGGER_LIMIT") ?? 30
        guard (1...1_000_000).contains(v) else { throw ValidationError("--trigger-limit must be 1…1000000") }
        return v
    }

    func resolvedPageCacheSeconds() throws -> Double {
        let v = try pageCacheSeconds ?? Environment.double("SENTINEL_PAGE_CACHE_SECONDS") ?? 1
        guard v >= 0, v <= 3600 else { throw ValidationError("--page-cache-seconds must be 0…3600") }
        return v
    }

    var resolvedHost: String { host ?? Environment.string("SENTINEL_HOST") ?? "127.0.0.1" }

    func resolvedPort() throws -> Int {
        let p = try port ?? Environment.int("SENTINEL_PORT") ?? 8080
        guard (0...65535).contains(p) else { throw ValidationError("--port must be 0…65535, not \(p)") }
        return p
    }

    func resolvedWorkers() throws -> Int {
        let w = try workers ?? Environment.int("SENTINEL_WORKERS") ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...256).contains(w) else { throw ValidationError("--workers must be 1…256, not \(w)") }
        return w
    }

    func resolvedEventLoops() throws -> Int {
        let w = try eventLoops ?? Environment.int("SENTINEL_EVENT_LOOPS") ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...64).contains(w) else { throw ValidationError("--event-loops must be 1…64, not \(w)") }
        return w
    }

    var resolvedAPIKeys: [String] { apiKeys.isEmpty ? (Environment.list("SENTINEL_API_KEYS") ?? []) : apiKeys }
    var resolvedReadKeys: [String] { readKeys.isEmpty ? (Environment.list("SENTINEL_READ_KEYS") ?? []) : readKeys }
    var resolvedCORSOrigins: [String] { corsOrigins.isEmpty ? (Environment.list("SENTINEL_CORS_ORIGINS") ?? []) : corsOrigins }
    var resolvedAllowUnauthenticated: Bool { allowUnauthenticated || Environment.flag("SENTINEL_ALLOW_UNAUTHENTICATED") }

    func resolvedShutdownGrace() throws -> Double {
        let g = try shutdownGrace ?? Environment.double("SENTINEL_SHUTDOWN_GRACE") ?? 10
        guard g >= 0, g <= 600 else { throw ValidationError("--shutdown-grace must be 0…600 seconds") }
        return g
    }

    /// Loopback addresses need no keys; anything else does unless explicitly allowed.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
