#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Request counters and latency histograms by route, method and status, rendered in the
/// Prometheus text format. Writers pick one of several locked shards by thread, so event
/// loops rarely contend; render() merges the shards.
public final class RequestMetrics: HTTPServerObserver {
    /// Histogram upper bounds in seconds (Prometheus client defaults plus 1 ms).
    public static let buckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Series {
        var count = 0
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: RequestMetrics.buckets.count)

        mutating func record(_ seconds: Double, bucket: Int?) {
            count += 1
            sum += seconds
            if let bucket { buckets[bucket] += 1 }
        }
    }

    private final class Shard: Sendable {
        let table = Mutex<[Key: Series]>([:])
    }

    private let shards: [Shard]

    public init(shards: Int = 8) {
        self.shards = (0..<max(1, shards)).map { _ in Shard() }
    }

    public func requestFinished(route: String, method: String, status: Int, seconds: Double) {
        let shard = Int(UInt(bitPattern: Int(pthread_self())) % UInt(shards.count))
        let key = Key(route: route, method: method, status: status)
        let bucket = Self.buckets.firstIndex(where: { seconds <= $0 })
        shards[shard].table.withLock { table in
            // Updated in place: copying the series out and back would copy its bucket array
            // (an allocation per request).
            table[key, default: Series()].record(seconds, bucket: bucket)
        }
    }

    /// Total requests recorded so far (all routes).
    public var totalRequests: Int {
        shards.reduce(0) { total, shard in total + shard.table.withLock { $0.values.reduce(0) { $0 + $1.count } } }
    }

    /// The metrics in Prometheus text exposition format (version 0.0.4).
    public func render() -> String {
        var merged: [Key: Series] = [:]
        for shard in shards {
            shard.table.withLock { table in
                for (key, series) in table {
                    var m = merged[key] ?? Series()
                    m.count += series.count
                    m.sum += series.sum
                    for i in m.buckets.indices { m.buckets[i] += series.buckets[i] }
                    merged[key] = m
                }
            }
        }
        let keys = merged.keys.sorted { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }
        var out = "# HELP sentinel_http_requests_total HTTP requests answered.\n"
        out += "# TYPE sentinel_http_requests_total counter\n"
        for key in keys {
            out += "sentinel_http_requests_total{\(labels(key))} \(merged[key]!.count)\n"
        }
        out += "# HELP sentinel_http_request_duration_seconds Time from request head to response queued.\n"
        out += "# TYPE sentinel_http_request_duration_seconds histogram\n"
        var byRoute: [String: (key: Key, series: Series)] = [:]
        for key in keys {
            // Latency is reported per route and method, summed over statuses.
            let group = "route=\"\(escape(key.route))\",method=\"\(escape(key.method))\""
            var entry = byRoute[group] ?? (key, Series())
            let s = merged[key]!
            entry.series.count += s.count
            entry.series.sum += s.sum
            for i in entry.series.buckets.indices { entry.series.buckets[i] += s.buckets[i] }
            byRoute[group] = entry
        }
        for group in byRoute.keys.sorted() {
            let series = byRoute[group]!.series
            var cumulative = 0
            for (i, bound) in Self.buckets.enumerated() {
                cumulative += series.buckets[i]
                out += "sentinel_http_request_duration_seconds_bucket{\(group),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "sentinel_http_request_duration_seconds_bucket{\(group),le=\"+Inf\"} \(series.count)\n"
            out += "sentinel_http_request_duration_seconds_sum{\(group)} \(series.sum)\n"
            out += "sentinel_http_request_duration_seconds_count{\(group)} \(series.count)\n"
        }
        return out
    }

    private func labels(_ key: Key) -> String {
        "route=\"\(escape(key.route))\",method=\"\(escape(key.method))\",status=\"\(key.status)\""
    }

    private func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
