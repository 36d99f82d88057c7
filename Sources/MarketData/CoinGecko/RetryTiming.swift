import Domain

/// When to try again: the server's word first (`Retry-After`, then `x-ratelimit-reset`),
/// else full-jitter exponential backoff.
enum RetryTiming {
    /// The delay the server asks for, clamped to `[0, cap]`; nil when it gives none.
    static func serverDelay(headers: [String: String], now: Timestamp, cap: Milliseconds) -> Milliseconds? {
        let delay: Milliseconds?
        if let value = headers["retry-after"] {
            delay = retryAfter(value, now: now)
        } else if let value = headers["x-ratelimit-reset"] {
            delay = rateLimitReset(value, now: now)
        } else {
            delay = nil
        }
        return delay.map { Milliseconds(min(max($0.value, 0), cap.value)) }
    }

    /// `Retry-After: <seconds>` or `Retry-After: <IMF-fixdate>` (RFC 9110 §10.2.3).
    static func retryAfter(_ value: String, now: Timestamp) -> Milliseconds? {
        let v = value.trimmingSpaces
        if let seconds = Int64(v) { return .seconds(seconds) }
        return httpDate(v).map { $0 - now }
    }

    /// `x-ratelimit-reset` as seen in the wild: epoch seconds, or `2025-07-25 14:54:00 +0000`.
    static func rateLimitReset(_ value: String, now: Timestamp) -> Milliseconds? {
        let v = value.trimmingSpaces
        if let number = Int64(v) {
            // Small numbers are a delay in seconds, large ones an epoch time.
            return number > 1_000_000_000 ? Timestamp(seconds: number) - now : .seconds(number)
        }
        var text = v
        if text.hasSuffix(" +0000") { text = String(text.dropLast(6)) + "Z" }
        else if text.hasSuffix(" UTC") { text = String(text.dropLast(4)) + "Z" }
        return Timestamp(parsing: text).map { $0 - now }
    }

    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[0].hasSuffix(","),
              let day = Int(parts[1]), parts[1].count == 2,
              let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(parts[2])),
              let year = Int(parts[3]), parts[3].count == 4, parts[4].count == 8
        else { return nil }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return Timestamp(parsing: "\(year)-\(two(month + 1))-\(two(day))T\(parts[4])Z")
    }

    /// Full jitter: `random(0, min(cap, base · 2^(attempt-1)))`, attempt counting from 1.
    static func backoff(attempt: Int, base: Milliseconds, cap: Milliseconds,
                        using generator: inout some RandomNumberGenerator) -> Milliseconds {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(cap.value, base.value.multipliedReportingOverflow(by: Int64(1) << exponent).overflow
                          ? cap.value : base.value << exponent)
        guard ceiling > 0 else { return Milliseconds(0) }
        return Milliseconds(Int64.random(in: 0...ceiling, using: &generator))
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
