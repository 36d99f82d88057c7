/// A point in time as whole milliseconds since the Unix epoch, UTC.
///
/// Sentinel keeps time as integers end to end: bars, rows and predictions are keyed by
/// their millisecond timestamps, so equality and ordering are exact and cheap, and
/// formatting to RFC 3339 never goes through a locale or a calendar object.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    public var seconds: Int64 { milliseconds.floorDiv(1000) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    public static func + (t: Timestamp, d: Milliseconds) -> Timestamp { Timestamp(milliseconds: t.milliseconds + d.value) }
    public static func - (t: Timestamp, d: Milliseconds) -> Timestamp { Timestamp(milliseconds: t.milliseconds - d.value) }
    public static func - (a: Timestamp, b: Timestamp) -> Milliseconds { Milliseconds(a.milliseconds - b.milliseconds) }

    /// The start of the `step`-wide bucket this instant falls in (floor, also for negatives).
    public func floored(to step: Milliseconds) -> Timestamp {
        Timestamp(milliseconds: milliseconds.floorDiv(step.value) * step.value)
    }

    /// RFC 3339 in UTC: `2025-04-15T04:00:00Z`, with `.sss` only when there are milliseconds.
    public var rfc3339: String { RFC3339.format(self) }

    /// Appends the RFC 3339 text to a byte buffer (no String in between).
    public func appendRFC3339(to bytes: inout [UInt8]) { RFC3339.append(self, to: &bytes) }
    public var description: String { rfc3339 }

    /// Parses RFC 3339 (`Z` or a numeric offset, optional fraction) or plain epoch
    /// milliseconds; nil for anything else.
    public init?(parsing text: some StringProtocol) {
        guard let t = RFC3339.parse(String(text)) else { return nil }
        self = t
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let ms = try? c.decode(Int64.self) { self.init(milliseconds: ms); return }
        let s = try c.decode(String.self)
        guard let t = RFC3339.parse(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 time: \(s)")
        }
        self = t
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rfc3339)
    }
}

/// A signed span of milliseconds; the unit every interval and window in Sentinel uses.
public struct Milliseconds: Sendable, Hashable, Comparable, Codable {
    public var value: Int64
    public init(_ value: Int64) { self.value = value }
    public static func seconds(_ s: Int64) -> Milliseconds { Milliseconds(s * 1000) }
    public static func minutes(_ m: Int64) -> Milliseconds { Milliseconds(m * 60_000) }
    public static func hours(_ h: Int64) -> Milliseconds { Milliseconds(h * 3_600_000) }
    public static func days(_ d: Int64) -> Milliseconds { Milliseconds(d * 86_400_000) }
    public static func < (a: Milliseconds, b: Milliseconds) -> Bool { a.value < b.value }
    public static func * (a: Milliseconds, k: Int64) -> Milliseconds { Milliseconds(a.value * k) }
    public var seconds: Double { Double(value) / 1000 }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    @inlinable func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
