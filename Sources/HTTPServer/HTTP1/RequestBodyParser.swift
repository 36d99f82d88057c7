/// Incremental body reader for `Content-Length` and `chunked` framing (RFC 9112 §6, §7.1).
///
/// A byte-at-a-time state machine for chunk framing and bulk copies for data, so any split
/// of the input gives the same result. Chunk sizes are checked against the limit as soon as
/// they are read (413 without reading the data). Trailer fields are validated and dropped.
struct RequestBodyParser {
    private enum State: Equatable {
        case fixed(remaining: Int)
        case chunkSize
        case chunkSizeSpace
        case chunkExtension
        case chunkSizeLF
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine
        case trailerLineLF
        case trailerEndLF
        case done
    }

    private var state: State
    private(set) var body: [UInt8] = []
    private let limit: Int
    private let chunkLineLimit: Int
    private let trailerLimit: Int
    private var lineLength = 0
    private var digits = 0
    private var size = 0
    private var trailerBytes = 0

    init(framing: BodyFraming, limit: Int, limits: ParserLimits) {
        self.limit = limit
        self.chunkLineLimit = limits.chunkLine
        self.trailerLimit = limits.headerSection
        switch framing {
        case .none: state = .done
        case .length(let n): state = .fixed(remaining: n); body.reserveCapacity(min(n, 64 * 1024))
        case .chunked: state = .chunkSize
        }
    }

    var isComplete: Bool { state == .done }

    /// Consumes what it can from `buf`; returns the number of bytes used.
    mutating func parse(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var i = 0
        let n = buf.count
        while i < n {
            switch state {
            case .done:
                return i
            case .fixed(let remaining):
                let take = min(remaining, n - i)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<(i + take)]))
                i += take
                state = remaining == take ? .done : .fixed(remaining: remaining - take)
            case .chunkData(let remaining):
                let take = min(remaining, n - i)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<(i + take)]))
                i += take
                state = remaining == take ? .chunkDataCR : .chunkData(remaining: remaining - take)
            default:
                try step(buf[i])
                i += 1
            }
        }
        return i
    }

    private mutating func step(_ b: UInt8) throws(HTTPParseError) {
        switch state {
        case .chunkSize, .chunkSizeSpace, .chunkExtension:
            lineLength += 1
            if lineLength > chunkLineLimit { throw HTTPParseError(400, "chunk line too long") }
        default: break
        }
        switch state {
        case .chunkSize:
            if let v = ASCII.hexValue(b) {
                digits += 1
                guard digits <= 16, size <= (Int.max >> 4) else { throw HTTPParseError(400, "chunk size overflow") }
                size = size << 4 | v
            } else if digits == 0 {
                throw HTTPParseError(400, "malformed chunk size")
            } else if b == UInt8(ascii: ";") {
                state = .chunkExtension
            } else if b == ASCII.sp || b == ASCII.htab {
                state = .chunkSizeSpace
            } else if b == ASCII.cr {
                state = .chunkSizeLF
            } else {
                throw HTTPParseError(400, "malformed chunk size")
            }
        case .chunkSizeSpace:
            // BWS is only allowed before a chunk extension.
            if b == UInt8(ascii: ";") { state = .chunkExtension }
            else if b != ASCII.sp && b != ASCII.htab { throw HTTPParseError(400, "malformed chunk size") }
        case .chunkExtension:
            if b == ASCII.cr { state = .chunkSizeLF }
            else if !ASCII.isFieldValueByte(b) { throw HTTPParseError(400, "invalid byte in chunk extension") }
        case .chunkSizeLF:
            guard b == ASCII.lf else { throw HTTPParseError(400, "bare CR in chunk line") }
            if size == 0 {
                state = .trailerLineStart
            } else {
                guard body.count + size <= limit else { throw HTTPParseError(413, "body exceeds limit") }
                state = .chunkData(remaining: size)
            }
            lineLength = 0; digits = 0; size = 0
        case .chunkDataCR:
            guard b == ASCII.cr else { throw HTTPParseError(400, "chunk data longer than its size") }
            state = .chunkDataLF
        case .chunkDataLF:
            guard b == ASCII.lf else { throw HTTPParseError(400, "missing CRLF after chunk data") }
            state = .chunkSize
        case .trailerLineStart, .trailerLine:
            trailerBytes += 1
            if trailerBytes > trailerLimit { throw HTTPParseError(431, "trailer section too large") }
            if b == ASCII.cr {
                state = state == .trailerLineStart ? .trailerEndLF : .trailerLineLF
            } else if b == ASCII.lf {
                throw HTTPParseError(400, "bare LF in trailer")
            } else if state == .trailerLineStart && (b == ASCII.sp || b == ASCII.htab) {
                throw HTTPParseError(400, "obsolete line folding in trailer")
            } else if !ASCII.isFieldValueByte(b) {
                throw HTTPParseError(400, "invalid byte in trailer")
            } else {
                state = .trailerLine
            }
        case .trailerLineLF:
            guard b == ASCII.lf else { throw HTTPParseError(400, "bare CR in trailer") }
            state = .trailerLineStart
        case .trailerEndLF:
            guard b == ASCII.lf else { throw HTTPParseError(400, "bare CR after trailer") }
            state = .done
        case .fixed, .chunkData, .done:
            break
        }
    }
}
