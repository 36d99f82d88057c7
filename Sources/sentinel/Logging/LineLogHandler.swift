import HTTPServer
import Logging

/// The shape of a log line: `key=value` pairs or one JSON object, one line per event.
typealias LogFormat = LogLineFormat

/// A swift-log handler writing one structured line per event to standard error.
///
/// Every line carries the time, level, logger label, message and all metadata (the
/// request id or run id travels as metadata), so lines can be grepped or shipped as JSON.
/// Lines are encoded by ``LogLineEncoder`` — the encoder the server's buffered access log
/// uses, so both kinds of line have one format — and written through one shared sink, so
/// lines from different threads (and access-log batches) never interleave.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    let format: LogFormat
    let sink: any LogSink

    init(label: String, format: LogFormat, level: Logger.Level, sink: any LogSink = FileDescriptorSink.standardError) {
        self.label = label; self.format = format; self.logLevel = level; self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Self.line(format, level: event.level, label: label, message: "\(event.message)", metadata: merged)
        line.withUnsafeBytes { sink.write($0) }
    }

    /// One complete line, newline included.
    static func line(_ format: LogFormat, level: Logger.Level, label: String, message: String,
                     metadata: Logger.Metadata) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + 48 * metadata.count)
        LogLineEncoder.appendStart(format, to: &out)
        LogLineEncoder.appendTimestamp(to: &out)
        LogLineEncoder.appendHeader(format, level: level, label: label, message: message, to: &out)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            LogLineEncoder.appendKey(key, format, to: &out)
            LogLineEncoder.appendValue(LogLineEncoder.render(value), format, to: &out)
        }
        LogLineEncoder.appendEnd(format, to: &out)
        return out
    }
}
