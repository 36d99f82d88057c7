public import Domain
import Synchronization

/// Token buckets per client for pipeline triggers: `burst` triggers at once, refilled at
/// `perMinute`. Over the limit, the caller answers 429 with `Retry-After`.
///
/// Buckets idle long enough to be full again are forgotten, so memory stays bounded by
/// the number of recently active clients.
public final class TriggerRateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: Int64 }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let burst: Double
    private let perMillisecond: Double
    private let clock: any WallClock

    public init(burst: Int = 10, perMinute: Int = 30, clock: any WallClock) {
        self.burst = Double(max(1, burst))
        self.perMillisecond = Double(max(1, perMinute)) / 60_000
        self.clock = clock
    }

    /// Takes one token for `client`; returns nil when allowed, else seconds to wait.
    public func acquire(client: String) -> Int? {
        let now = clock.now().milliseconds
        return buckets.withLock { all in
            if all.count > 10_000 {
                let fullAfter = Int64(burst / perMillisecond)
                all = all.filter { now - $0.value.updated < fullAfter }
            }
            var b = all[client] ?? Bucket(tokens: burst, updated: now)
            b.tokens = min(burst, b.tokens + Double(max(0, now - b.updated)) * perMillisecond)
            b.updated = now
            defer { all[client] = b }
            if b.tokens >= 1 { b.tokens -= 1; return nil }
            return max(1, Int(((1 - b.tokens) / perMillisecond / 1000).rounded(.up)))
        }
    }
}
