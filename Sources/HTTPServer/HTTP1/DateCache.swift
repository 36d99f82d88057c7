#if canImport(Glibc)
import Glibc
#endif

/// The IMF-fixdate `Date` header line, rebuilt at most once per second per event loop.
struct DateCache {
    private(set) var line: [UInt8] = []
    private var second: Int = -1

    /// Refreshes the cached line if the wall-clock second changed.
    mutating func refresh() {
        let now = time(nil)
        guard now != second else { return }
        second = now
        var t = now
        var parts = tm()
        gmtime_r(&t, &parts)
        line = Array("Date: ".utf8) + Self.format(parts) + [ASCII.cr, ASCII.lf]
    }

    static func format(_ p: tm) -> [UInt8] {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let text = "\(days[Int(p.tm_wday)]), \(two(p.tm_mday)) \(months[Int(p.tm_mon)]) \(1900 + p.tm_year) "
            + "\(two(p.tm_hour)):\(two(p.tm_min)):\(two(p.tm_sec)) GMT"
        return Array(text.utf8)
    }
}

/// Request ids: a random per-loop prefix plus a counter; unique within the process run and
/// cheap (no atomics, no syscalls).
struct RequestIDGenerator {
    private let prefix: String
    private var counter: UInt64 = 0

    init(loopIndex: Int) {
        var rng = SystemRandomNumberGenerator()
        let random = rng.next() & 0xFFFF_FFFF
        prefix = String(random, radix: 16) + String(loopIndex, radix: 16) + "-"
    }

    mutating func next() -> String {
        counter &+= 1
        return prefix + String(counter, radix: 16)
    }

    /// An incoming X-Request-Id is reused only if it is 1–128 visible ASCII characters.
    static func isSane(_ value: String) -> Bool {
        let utf8 = value.utf8
        return !utf8.isEmpty && utf8.count <= 128 && utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
