public import Domain

/// Writes JSON straight into a byte buffer: the fast path for every response body.
///
/// Foundation's `JSONEncoder` costs more than the rest of a request on hot routes (a
/// 50-record page dropped a server from 28k to 1.3k req/s), so handlers describe their
/// output field by field. The writer tracks commas itself; callers only open and close
/// containers in order. Non-finite numbers are written as `null` (JSON has no NaN).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false
    /// Bytes before this offset are the representation's stable part: the ETag covers only
    /// them, so volatile fields written after ``markStable()`` (`as_of`, freshness ages)
    /// do not defeat `If-None-Match` polling.
    public private(set) var stableLength: Int?

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    // MARK: containers

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// Writes `"name":` — the next value call provides the value.
    public mutating func key(_ name: StaticString) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func key(_ name: String) {
        separator()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Marks everything written so far as the stable part of the representation.
    public mutating func markStable() { stableLength = bytes.count }

    /// The bytes the ETag is computed from.
    public var etagBasis: ArraySlice<UInt8> { bytes[..<(stableLength ?? bytes.count)] }

    // MARK: values

    public mutating func null() { separator(); bytes.append(contentsOf: [110, 117, 108, 108]); needsComma = true }
    public mutating func value(_ b: Bool) { separator(); bytes.append(contentsOf: b ? [116, 114, 117, 101] : [102, 97, 108, 115, 101]); needsComma = true }
    public mutating func value(_ s: String) { separator(); appendQuoted(s); needsComma = true }
    public mutating func value(_ i: Int) { separator(); appendInt(Int64(i)); needsComma = true }
    public mutating func value(_ i: Int64) { separator(); appendInt(i); needsComma = true }

    public mutating func value(_ d: Double) {
        separator()
        if d.isFinite {
            if d == d.rounded(), abs(d) < 1e15 { appendInt(Int64(d)) } else if !appendShortDecimal(d) {
                bytes.append(contentsOf: d.description.utf8)
            }
        } else {
            bytes.append(contentsOf: [110, 117, 108, 108])
        }
        needsComma = true
    }

    public mutating func value(_ t: Timestamp) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        t.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func value(_ d: Double?) { if let d { value(d) } else { null() } }
    public mutating func value(_ s: String?) { if let s { value(s) } else { null() } }
    public mutating func value(_ t: Timestamp?) { if let t { value(t) } else { null() } }
    public mutating func value(_ i: Int?) { if let i { value(i) } else { null() } }

    public mutating func value(_ j: JSONValue) {
        switch j {
        case .null: null()
        case .bool(let b): value(b)
        case .number(let d): value(d)
        case .string(let s): value(s)
        case .array(let a): beginArray(); for v in a { value(v) }; endArray()
        case .object(let o): beginObject(); for (k, v) in o { key(k); value(v) }; endObject()
        }
    }

    /// Splices bytes that already are one complete JSON value (a cached fragment).
    public mutating func raw(_ json: [UInt8]) { separator(); bytes.append(contentsOf: json); needsComma = true }

    // MARK: field shorthands

    public mutating func field(_ k: StaticString, _ v: String) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: String?) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Double) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Double?) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Int) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Int?) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Bool) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Timestamp) { key(k); value(v) }
    public mutating func field(_ k: StaticString, _ v: Timestamp?) { key(k); value(v) }

    // MARK: internals

    private mutating func separator() { if needsComma { bytes.append(UInt8(ascii: ",")) } }

    private mutating func appendInt(_ v: Int64) {
        if v == 0 { bytes.append(48); return }
        var x = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while x > 0 { buf[19 - n] = UInt8(48 + x % 10); x /= 10; n += 1 }
            if v < 0 { bytes.append(45) }
            bytes.append(contentsOf: buf[(20 - n)...])
        }
    }

    private static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]

    /// Prices and volumes mostly have a few decimals: when `d` is exactly m / 10^k for an
    /// integer m below 2^53 and k ≤ 8, write "m" with a decimal point k digits from the right.
    /// Both m and 10^k are exact doubles and the division is correctly rounded, so the text
    /// parses back to exactly `d`, without `Double.description`'s String per number.
    private mutating func appendShortDecimal(_ d: Double) -> Bool {
        let magnitude = abs(d)
        guard magnitude >= 1e-4, magnitude < 1e9 else { return false }
        for k in 1...8 {
            let p = JSONWriter.powersOfTen[k]
            let product = magnitude * p
            guard product < 9_007_199_254_740_992 else { return false }
            // Truncating conversion of x + 0.5: a rounding without a libm call (x is positive).
            let scaled = Double(Int64(product + 0.5))
            if scaled / p == magnitude {
                var m = UInt64(scaled)
                var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                             UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
                    (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                var count = 0
                withUnsafeMutableBytes(of: &digits) { raw in
                    let buf = raw.bindMemory(to: UInt8.self)
                    repeat { buf[count] = UInt8(48 + m % 10); m /= 10; count += 1 } while m > 0 || count <= k
                    if d < 0 { bytes.append(45) }
                    var i = count - 1
                    while i >= 0 {
                        if i == k - 1 { bytes.append(46) }
                        bytes.append(buf[i]); i -= 1
                    }
                }
                // Trailing zeros cannot occur: a smaller k would have matched first.
                return true
            }
        }
        return false
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, enums, times, hashes) need no escaping: copy them whole.
        var s = s
        let copied: Bool = s.withUTF8 { buf in
            for c in buf where c < 32 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: buf)
            return true
        }
        if copied { bytes.append(UInt8(ascii: "\"")); return }
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(92); bytes.append(34)
            case UInt8(ascii: "\\"): bytes.append(92); bytes.append(92)
            case 10: bytes.append(92); bytes.append(110)
            case 13: bytes.append(92); bytes.append(114)
            case 9: bytes.append(92); bytes.append(116)
            case 0..<32:
                bytes.append(contentsOf: [92, 117, 48, 48])
                bytes.append(JSONWriter.hex[Int(c >> 4)]); bytes.append(JSONWriter.hex[Int(c & 15)])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
