import Logging

/// How the server writes its access log: one line per request, formatted straight into a
/// per-event-loop buffer and written once per loop iteration (or when the buffer passes
/// `flushThreshold`), instead of one swift-log event and one `write` per request.
///
/// The line is exactly what the swift-log handler would print for
/// `logger.info("request", metadata: [request_id, method, path, status, duration_ms, bytes, remote])`
/// on the server's logger: same label, the logger's own metadata (e.g. `instance`) included,
/// fields in key order. It is written only when the server's logger level lets `info` through.
/// Lines of one loop keep their order; everything buffered is written before
/// ``HTTPServer/shutdown()`` returns.
public struct AccessLog: Sendable {
    public var format: LogLineFormat
    public var sink: any LogSink
    /// Buffered bytes that trigger a write before the loop iteration ends.
    public var flushThreshold: Int

    public init(format: LogLineFormat, sink: any LogSink = FileDescriptorSink.standardError,
                flushThreshold: Int = 32 * 1024) {
        self.format = format; self.sink = sink; self.flushThreshold = flushThreshold
    }
}

/// What the access log says about one finished request.
struct AccessLogEntry {
    var requestID: String
    var method: String
    var path: Substring
    var status: Int
    /// Duration in hundredths of a millisecond (the line shows milliseconds, 2 decimals).
    var durationHundredths: Int
    var bytes: Int
    var remote: String
}

/// One event loop's access-log buffer (loop thread only).
///
/// The line layout is planned once: the logger's metadata is rendered to bytes up front and
/// merged, in key order, with the per-request fields, so a request costs a clock read and a
/// few byte appends — no dictionaries, no Strings.
struct AccessLogBuffer {
    private enum Piece {
        case constant([UInt8])
        case requestID, method, path, status, duration, bytes, remote
    }

    static let message = "request"
    private static let requestFields: [(String, Piece)] = [
        ("request_id", .requestID), ("method", .method), ("path", .path), ("status", .status),
        ("duration_ms", .duration), ("bytes", .bytes), ("remote", .remote),
    ]

    let format: LogLineFormat
    private let sink: any LogSink
    private let threshold: Int
    private let header: [UInt8]
    private let pieces: [Piece]
    private var clock = LogTimestamp()
    private(set) var pending: [UInt8] = []

    /// Nil when the logger's level hides `info` lines: then the access log costs nothing.
    init?(_ settings: AccessLog, logger: Logger) {
        guard logger.logLevel <= .info else { return nil }
        format = settings.format
        sink = settings.sink
        threshold = max(1, settings.flushThreshold)
        var header: [UInt8] = []
        LogLineEncoder.appendHeader(format, level: .info, label: logger.label, message: Self.message, to: &header)
        self.header = header

        var fields: [String: Piece] = [:]
        for (key, value) in logger.handler.metadata {
            var bytes: [UInt8] = []
            LogLineEncoder.appendValue(LogLineEncoder.render(value), format, to: &bytes)
            fields[key] = .constant(bytes)
        }
        // Request fields win over logger metadata of the same name, as a metadata merge would.
        for (key, piece) in Self.requestFields { fields[key] = piece }
        var pieces: [Piece] = []
        var run: [UInt8] = []
        for key in fields.keys.sorted() {
            LogLineEncoder.appendKey(key, format, to: &run)
            guard let piece = fields[key] else { continue }
            if case .constant(let bytes) = piece {
                run.append(contentsOf: bytes)
            } else {
                pieces.append(.constant(run))
                pieces.append(piece)
                run = []
            }
        }
        if !run.isEmpty { pieces.append(.constant(run)) }
        self.pieces = pieces
        pending.reserveCapacity(threshold + 1024)
    }

    /// Formats one line into the buffer; writes the buffer out once it passes the threshold.
    mutating func append(_ entry: AccessLogEntry) {
        LogLineEncoder.appendStart(format, to: &pending)
        clock.append(to: &pending)
        pending.append(contentsOf: header)
        for piece in pieces {
            switch piece {
            case .constant(let bytes): pending.append(contentsOf: bytes)
            case .requestID: LogLineEncoder.appendValue(entry.requestID, format, to: &pending)
            case .method: LogLineEncoder.appendValue(entry.method, format, to: &pending)
            case .path: LogLineEncoder.appendValue(entry.path, format, to: &pending)
            case .status: LogLineEncoder.appendInteger(entry.status, format, to: &pending)
            case .duration: LogLineEncoder.appendHundredths(entry.durationHundredths, format, to: &pending)
            case .bytes: LogLineEncoder.appendInteger(entry.bytes, format, to: &pending)
            case .remote: LogLineEncoder.appendValue(entry.remote, format, to: &pending)
            }
        }
        LogLineEncoder.appendEnd(format, to: &pending)
        if pending.count >= threshold { flush() }
    }

    /// Writes whatever is buffered (one `write` for many lines).
    mutating func flush() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { sink.write($0) }
        pending.removeAll(keepingCapacity: true)
    }
}
