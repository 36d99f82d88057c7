import Domain
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The shape of a log line: `key=value` pairs or one JSON object, one line per event.
enum LogFormat: String, CaseIterable, Sendable {
    case keyValue = "kv"
    case json
}

/// A swift-log handler writing one structured line per event to standard error.
///
/// Every line carries the time, level, logger label, message and all metadata (the
/// request id or run id travels as metadata), so lines can be grepped or shipped as JSON.
/// Writes are serialized so lines from different threads never interleave.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    let format: LogFormat

    private static let output = Mutex<Void>(())

    init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label; self.format = format; self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = format == .json
            ? Self.json(level: event.level, label: label, message: "\(event.message)", metadata: merged)
            : Self.keyValue(level: event.level, label: label, message: "\(event.message)", metadata: merged)
        Self.output.withLock { _ in
            let bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { buf in write(2, buf.baseAddress.map { $0 + offset }, buf.count - offset) }
                if n <= 0 { break }
                offset += n
            }
        }
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = Int(ts.tv_nsec / 1_000_000)
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(msText)Z"
    }

    static func keyValue(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var s = "ts=\(timestamp()) level=\(level) logger=\(label) msg=\(quoteIfNeeded(message))"
        for key in metadata.keys.sorted() {
            s += " \(key)=\(quoteIfNeeded(render(metadata[key]!)))"
        }
        return s + "\n"
    }

    static func json(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var s = "{\"ts\":\"\(timestamp())\",\"level\":\"\(level)\",\"logger\":\(jsonString(label)),\"msg\":\(jsonString(message))"
        for key in metadata.keys.sorted() {
            s += ",\(jsonString(key)):\(jsonString(render(metadata[key]!)))"
        }
        return s + "}\n"
    }

    static func render(_ v: Logger.Metadata.Value) -> String {
        switch v {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let a): return "[" + a.map(render).joined(separator: ",") + "]"
        case .dictionary(let d): return "{" + d.keys.sorted().map { "\($0):\(render(d[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func quoteIfNeeded(_ s: String) -> String {
        if !s.isEmpty, !s.utf8.contains(where: { $0 == 32 || $0 == 34 || $0 == 61 || $0 < 32 }) { return s }
        return jsonString(s)
    }

    static func jsonString(_ s: String) -> String { JSONValue.quoted(s) }
}
