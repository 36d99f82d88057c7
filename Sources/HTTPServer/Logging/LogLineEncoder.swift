#if canImport(Glibc)
import Glibc
#endif
public import Logging

/// The shape of a log line: `key=value` pairs or one JSON object, one line per event.
public enum LogLineFormat: String, CaseIterable, Sendable {
    case keyValue = "kv"
    case json
}

/// Writes structured log lines straight into bytes, for both the swift-log handler and the
/// server's access log, so the two can never drift apart in format.
///
/// A line is `ts=… level=… logger=… msg=…` followed by the fields in key order (key=value,
/// values quoted as JSON strings when empty or holding a space, `"`, `=` or a control
/// character), or the same as one JSON object whose values are all strings.
public enum LogLineEncoder {
    /// Everything up to the timestamp: `ts=` or `{"ts":"`.
    public static func appendStart(_ format: LogLineFormat, to out: inout [UInt8]) {
        out.append(contentsOf: format == .json ? jsonStart : kvStart)
    }

    /// What follows the timestamp: level, logger label and message.
    public static func appendHeader(_ format: LogLineFormat, level: Logger.Level, label: String, message: String,
                                    to out: inout [UInt8]) {
        switch format {
        case .keyValue:
            out.append(contentsOf: " level=".utf8)
            out.append(contentsOf: level.rawValue.utf8)
            out.append(contentsOf: " logger=".utf8)
            out.append(contentsOf: label.utf8)
            out.append(contentsOf: " msg=".utf8)
            appendValue(message, .keyValue, to: &out)
        case .json:
            out.append(contentsOf: "\",\"level\":\"".utf8)
            out.append(contentsOf: level.rawValue.utf8)
            out.append(contentsOf: "\",\"logger\":".utf8)
            appendJSONString(label.utf8, to: &out)
            out.append(contentsOf: ",\"msg\":".utf8)
            appendJSONString(message.utf8, to: &out)
        }
    }

    /// The separator and key before a field's value: ` key=` or `,"key":`.
    public static func appendKey(_ key: String, _ format: LogLineFormat, to out: inout [UInt8]) {
        switch format {
        case .keyValue:
            out.append(32)
            out.append(contentsOf: key.utf8)
            out.append(61)
        case .json:
            out.append(44)
            appendJSONString(key.utf8, to: &out)
            out.append(58)
        }
    }

    /// A field value, quoted as the format requires.
    public static func appendValue<S: StringProtocol>(_ value: S, _ format: LogLineFormat, to out: inout [UInt8]) {
        let utf8 = value.utf8
        if format == .keyValue, !needsQuoting(utf8) {
            out.append(contentsOf: utf8)
        } else {
            appendJSONString(utf8, to: &out)
        }
    }

    /// A non-negative integer value (JSON lines carry it as a string, like every value).
    public static func appendInteger(_ value: Int, _ format: LogLineFormat, to out: inout [UInt8]) {
        if format == .json { out.append(34) }
        appendDigits(value, to: &out)
        if format == .json { out.append(34) }
    }

    /// Milliseconds given in hundredths, written as `Double.description` writes n / 100
    /// ("0.05", "1.2", "3.0"), without building the Double's String.
    public static func appendHundredths(_ hundredths: Int, _ format: LogLineFormat, to out: inout [UInt8]) {
        if format == .json { out.append(34) }
        let n = max(0, hundredths)
        appendDigits(n / 100, to: &out)
        out.append(46)
        let fraction = n % 100
        out.append(UInt8(48 + fraction / 10))
        if fraction % 10 != 0 { out.append(UInt8(48 + fraction % 10)) }
        if format == .json { out.append(34) }
    }

    /// The end of a line: a newline, after `}` for JSON.
    public static func appendEnd(_ format: LogLineFormat, to out: inout [UInt8]) {
        if format == .json { out.append(125) }
        out.append(10)
    }

    /// A metadata value as text: arrays as `[a,b]`, dictionaries as `{k:v}` in key order.
    public static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let a): return "[" + a.map(render).joined(separator: ",") + "]"
        case .dictionary(let d):
            return "{" + d.keys.sorted().map { "\($0):\(d[$0].map(render) ?? "")" }.joined(separator: ",") + "}"
        }
    }

    /// The UTC time now as `2026-11-29T06:42:41.123Z`.
    public static func appendTimestamp(to out: inout [UInt8]) {
        var clock = LogTimestamp()
        clock.append(to: &out)
    }

    // MARK: internals

    private static let kvStart: [UInt8] = Array("ts=".utf8)
    private static let jsonStart: [UInt8] = Array("{\"ts\":\"".utf8)
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// key=value needs quotes for empty values and for space, `"`, `=` and control bytes.
    static func needsQuoting<C: Collection<UInt8>>(_ utf8: C) -> Bool {
        if utf8.isEmpty { return true }
        let scan: Bool? = utf8.withContiguousStorageIfAvailable { buffer in
            for b in buffer where b == 32 || b == 34 || b == 61 || b < 32 { return true }
            return false
        }
        if let scan { return scan }
        return utf8.contains { $0 == 32 || $0 == 34 || $0 == 61 || $0 < 32 }
    }

    /// The same escaping as `JSONValue.quoted` and the API's JSON writer.
    static func appendJSONString<C: Collection<UInt8>>(_ utf8: C, to out: inout [UInt8]) {
        out.append(34)
        for c in utf8 {
            switch c {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            case 0..<32:
                out.append(contentsOf: [92, 117, 48, 48])
                out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
            default: out.append(c)
            }
        }
        out.append(34)
    }

    static func appendDigits(_ value: Int, to out: inout [UInt8]) {
        ResponseEncoder.appendDecimal(max(0, value), to: &out)
    }
}

/// UTC timestamps with millisecond precision; the date-and-second part is formatted once
/// per second, so a busy loop only formats the three millisecond digits per line.
struct LogTimestamp {
    private var second: Int = -1
    private var prefix: [UInt8] = []

    mutating func append(to out: inout [UInt8]) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        if ts.tv_sec != second { format(ts.tv_sec) }
        out.append(contentsOf: prefix)
        let ms = Int(ts.tv_nsec / 1_000_000)
        out.append(UInt8(48 + ms / 100)); out.append(UInt8(48 + ms / 10 % 10)); out.append(UInt8(48 + ms % 10))
        out.append(90)
    }

    private mutating func format(_ seconds: Int) {
        second = seconds
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        prefix.removeAll(keepingCapacity: true)
        let year = Int(parts.tm_year) + 1900
        prefix.append(UInt8(48 + year / 1000 % 10)); prefix.append(UInt8(48 + year / 100 % 10))
        two(year % 100); prefix.append(45)
        two(Int(parts.tm_mon) + 1); prefix.append(45)
        two(Int(parts.tm_mday)); prefix.append(84)
        two(Int(parts.tm_hour)); prefix.append(58)
        two(Int(parts.tm_min)); prefix.append(58)
        two(Int(parts.tm_sec)); prefix.append(46)
    }

    private mutating func two(_ v: Int) {
        prefix.append(UInt8(48 + v / 10)); prefix.append(UInt8(48 + v % 10))
    }
}
