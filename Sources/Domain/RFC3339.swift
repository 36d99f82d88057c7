/// RFC 3339 formatting and parsing without Foundation, using the proleptic Gregorian
/// civil-from-days algorithm so it is exact for every date and allocation-light.
enum RFC3339 {
    static func format(_ t: Timestamp) -> String {
        var out = [UInt8]()
        out.reserveCapacity(24)
        append(t, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the RFC 3339 text of `t` to `out` without intermediate allocations
    /// (response encoding writes thousands of these per page).
    static func append(_ t: Timestamp, to out: inout [UInt8]) {
        let ms = t.milliseconds
        let secs = ms.floorDiv(1000)
        let milli = Int(ms - secs * 1000)
        let days = secs.floorDiv(86_400)
        let sod = Int(secs - days * 86_400)
        let (y, m, d) = civil(fromDays: days)
        @inline(__always) func two(_ v: Int) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        let year = Int(y)
        if year >= 0 && year <= 9999 {
            out.append(UInt8(48 + year / 1000)); out.append(UInt8(48 + year / 100 % 10)); two(year % 100)
        } else {
            out.append(contentsOf: String(year).utf8)
        }
        out.append(45); two(m); out.append(45); two(d)
        out.append(84); two(sod / 3600); out.append(58); two(sod / 60 % 60); out.append(58); two(sod % 60)
        if milli != 0 { out.append(46); out.append(UInt8(48 + milli / 100)); two(milli % 100) }
        out.append(90)
    }

    static func parse(_ s: String) -> Timestamp? {
        let b = Array(s.utf8)
        if !b.isEmpty, b.allSatisfy({ $0 >= 48 && $0 <= 57 }), b.count <= 15, let v = Int64(s) {
            return Timestamp(milliseconds: v)
        }
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32,
              let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58, let se = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y), h < 24, mi < 60, se < 61 else { return nil }
        var i = 19
        var milli = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { milli = milli * 10 + Int(b[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { milli *= 10 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 43 ? 1 : -1)
            i += 6
        } else { return nil }
        guard i == b.count else { return nil }
        let days = daysFromCivil(y: Int64(y), m: mo, d: d)
        let secs = days * 86_400 + Int64(h * 3600 + mi * 60 + min(se, 59)) - Int64(offset)
        return Timestamp(milliseconds: secs * 1000 + Int64(milli))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysFromCivil(y: Int64, m: Int, d: Int) -> Int64 {
        let yy = m <= 2 ? y - 1 : y
        let era = yy.floorDiv(400)
        let yoe = yy - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Timestamp {
    /// Civil UTC fields of this instant: hour 0–23 and ISO weekday with Monday = 0.
    public var utcHour: Int { Int((milliseconds.floorDiv(1000)).floorDiv(3600) % 24 + 24) % 24 }
    public var utcDayOfWeek: Int {
        let days = milliseconds.floorDiv(86_400_000)
        // 1970-01-01 was a Thursday (Monday = 0 → Thursday = 3).
        return Int(((days + 3) % 7 + 7) % 7)
    }
}
