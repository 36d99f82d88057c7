import Domain

/// A hand-written reader for the bundled bar format, `timestamp_ms,open,high,low,close,volume`:
/// one pass over the bytes, no per-field strings on the common path.
enum ReplayCSV {
    static let header = "timestamp_ms,open,high,low,close,volume"

    static func parse(_ bytes: [UInt8], file: String) throws(ReplayDataError) -> [Bar] {
        var bars: [Bar] = []
        bars.reserveCapacity(bytes.count / 48)
        var lineNumber = 0
        var position = 0
        var previous: Int64?
        while position < bytes.count {
            lineNumber += 1
            var end = position
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            var lineEnd = end
            if lineEnd > position && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            defer { position = end + 1 }
            if lineNumber == 1 {
                let text = String(decoding: bytes[position..<lineEnd], as: UTF8.self)
                guard text == header else { throw .badHeader(file: file, found: text) }
                continue
            }
            if lineEnd == position { continue }   // blank lines (a trailing newline) are harmless
            let bar = try row(bytes, position..<lineEnd, file: file, line: lineNumber)
            if let previous, bar.time.milliseconds <= previous { throw .notAscending(file: file, line: lineNumber) }
            previous = bar.time.milliseconds
            bars.append(bar)
        }
        guard lineNumber > 0 else { throw .empty(file: file) }
        guard !bars.isEmpty else { throw .empty(file: file) }
        return bars
    }

    private static func row(_ bytes: [UInt8], _ range: Range<Int>, file: String, line: Int) throws(ReplayDataError) -> Bar {
        var fields: [Double] = []
        fields.reserveCapacity(5)
        var time: Int64 = 0
        var start = range.lowerBound
        var index = 0
        for i in range.lowerBound...range.upperBound where i == range.upperBound || bytes[i] == 44 {
            guard index < 6 else { throw .badRow(file: file, line: line, reason: "more than 6 fields") }
            if index == 0 {
                guard let t = integer(bytes, start..<i) else { throw .badRow(file: file, line: line, reason: "timestamp_ms is not an integer") }
                time = t
            } else {
                guard let v = decimal(bytes, start..<i) else {
                    throw .badRow(file: file, line: line, reason: "field \(index + 1) is not a number")
                }
                fields.append(v)
            }
            index += 1
            start = i + 1
        }
        guard index == 6 else { throw .badRow(file: file, line: line, reason: "expected 6 fields, found \(index)") }
        guard time % BarGrid.step.value == 0 else { throw .offGrid(file: file, line: line) }
        let (open, high, low, close, volume) = (fields[0], fields[1], fields[2], fields[3], fields[4])
        for (name, p) in [("open", open), ("high", high), ("low", low), ("close", close)] where !(p.isFinite && p > 0) {
            throw .badPrice(file: file, line: line, reason: "\(name) \(p) is not a positive finite price")
        }
        guard volume.isFinite && volume >= 0 else { throw .badPrice(file: file, line: line, reason: "volume \(volume) is negative or not finite") }
        guard low <= min(open, close), high >= max(open, close) else {
            throw .badPrice(file: file, line: line, reason: "high/low do not contain open and close")
        }
        return Bar(time: Timestamp(milliseconds: time), open: open, high: high, low: low, close: close, volume: volume)
    }

    private static func integer(_ bytes: [UInt8], _ range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.count <= 16 else { return nil }
        var v: Int64 = 0
        for i in range {
            let d = bytes[i] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }

    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// Plain decimals (`93702.15`) exactly: an integer mantissa below 2^53 divided by an exact
    /// power of ten is correctly rounded. Anything else (exponents, long mantissas) goes
    /// through the standard library's parser.
    private static func decimal(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
        guard !range.isEmpty else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenPoint = false
        var simple = true
        var i = range.lowerBound
        let negative = bytes[i] == 45
        if negative { i += 1 }
        while i < range.upperBound {
            let c = bytes[i]
            if c == 46 && !seenPoint { seenPoint = true }
            else if c &- 48 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(c - 48)
                digits += 1
                if seenPoint { fraction += 1 }
            } else { simple = false; break }
            i += 1
        }
        if simple && digits > 0 && digits <= 15 && fraction <= 22 {
            let v = Double(mantissa) / powersOfTen[fraction]
            return negative ? -v : v
        }
        return Double(String(decoding: bytes[range], as: UTF8.self))
    }
}
