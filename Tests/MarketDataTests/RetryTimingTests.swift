import SentinelTesting
import Domain
@testable import MarketData
import Testing

@Suite("Retry timing")
struct RetryTimingTests {
    static let now = Timestamp(milliseconds: 1_744_689_600_000)   // 2025-04-15T04:00:00Z
    static let cap = Milliseconds.minutes(10)

    @Test("Retry-After in seconds and as an HTTP date")
    func retryAfter() {
        #expect(RetryTiming.serverDelay(headers: ["retry-after": "119"], now: Self.now, cap: Self.cap) == .seconds(119))
        #expect(RetryTiming.serverDelay(headers: ["retry-after": "Tue, 15 Apr 2025 04:00:30 GMT"], now: Self.now, cap: Self.cap) == .seconds(30))
    }

    @Test("x-ratelimit-reset as epoch seconds or as a date with offset")
    func rateLimitReset() {
        #expect(RetryTiming.serverDelay(headers: ["x-ratelimit-reset": "1744689645"], now: Self.now, cap: Self.cap) == .seconds(45))
        #expect(RetryTiming.serverDelay(headers: ["x-ratelimit-reset": "2025-04-15 04:01:00 +0000"], now: Self.now, cap: Self.cap) == .seconds(60))
    }

    @Test("Retry-After wins over x-ratelimit-reset, and delays are clamped to [0, cap]")
    func precedenceAndClamp() {
        #expect(RetryTiming.serverDelay(headers: ["retry-after": "5", "x-ratelimit-reset": "1744689645"], now: Self.now, cap: Self.cap) == .seconds(5))
        #expect(RetryTiming.serverDelay(headers: ["retry-after": "86400"], now: Self.now, cap: Self.cap) == Self.cap)
        #expect(RetryTiming.serverDelay(headers: ["retry-after": "Mon, 14 Apr 2025 04:00:00 GMT"], now: Self.now, cap: Self.cap) == Milliseconds(0))
        #expect(RetryTiming.serverDelay(headers: ["retry-after": "soon"], now: Self.now, cap: Self.cap) == nil)
        #expect(RetryTiming.serverDelay(headers: [:], now: Self.now, cap: Self.cap) == nil)
    }

    @Test("full-jitter backoff stays within min(cap, base·2^(n-1))")
    func backoffBounds() {
        var generator = SplitMix64(seed: 1)
        for attempt in 1...12 {
            let d = RetryTiming.backoff(attempt: attempt, base: .seconds(1), cap: .seconds(120), using: &generator)
            let ceiling = min(120_000, 1000 << (attempt - 1))
            #expect(d.value >= 0 && d.value <= Int64(ceiling))
        }
    }
}
