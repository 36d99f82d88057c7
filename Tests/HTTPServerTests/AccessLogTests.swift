import Foundation
import Logging
import SentinelTesting
import Synchronization
import Testing
@testable import HTTPServer

/// Collects what the access log writes, and how many writes it took.
final class MemorySink: LogSink {
    private let state = Mutex<(bytes: [UInt8], writes: Int)>(([], 0))

    func write(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { $0.bytes.append(contentsOf: bytes); $0.writes += 1 }
    }

    var lines: [String] {
        state.withLock { String(decoding: $0.bytes, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    var writes: Int { state.withLock { $0.writes } }
}

/// A handler that only carries a level and metadata; the access log reads both.
struct LevelOnlyHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {}
}

@Suite struct AccessLogTests {
    static func logger(_ level: Logger.Level) -> Logger {
        var logger = Logger(label: "http-test") { _ in LevelOnlyHandler(logLevel: level) }
        logger[metadataKey: "instance"] = "42"
        return logger
    }

    /// Runs `requests` GETs of /hello on one keep-alive connection, then shuts down.
    static func serve(format: LogLineFormat, level: Logger.Level, requests: Int,
                      threshold: Int = 32 * 1024) throws -> MemorySink {
        let sink = MemorySink()
        var configuration = ServerConfiguration()
        configuration.eventLoops = 1
        configuration.handlerThreads = 1
        configuration.accessLog = AccessLog(format: format, sink: sink, flushThreshold: threshold)
        let server = HTTPServer(configuration: configuration, router: TestServer.sampleRouter(), logger: logger(level))
        try server.start()
        let client = try RawHTTPClient(port: server.port)
        for i in 0..<requests {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-\(i)\r\n\r\n")
            _ = try client.readResponse()
        }
        server.shutdown()
        return sink
    }

    @Test func everyRequestGetsOneKeyValueLineWithItsRequestIDAndTheLoggersMetadata() throws {
        let sink = try Self.serve(format: .keyValue, level: .info, requests: 3)
        let lines = sink.lines
        #expect(lines.count == 3)
        for (i, line) in lines.enumerated() {
            #expect(line.hasPrefix("ts=20"))
            #expect(line.contains(" level=info logger=http-test msg=request bytes=5 duration_ms="))
            #expect(line.hasSuffix(" instance=42 method=GET path=/hello remote=127.0.0.1 request_id=req-\(i) status=200"))
        }
    }

    @Test func jsonLinesAreObjectsWithEveryFieldAsAString() throws {
        let sink = try Self.serve(format: .json, level: .info, requests: 1)
        let line = try #require(sink.lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["request_id"] == "req-0")
        #expect(object["msg"] == "request")
        #expect(object["status"] == "200")
        #expect(object["instance"] == "42")
        #expect(Set(object.keys) == ["ts", "level", "logger", "msg", "bytes", "duration_ms", "instance", "method",
                                     "path", "remote", "request_id", "status"])
    }

    @Test func aLoggerAboveInfoWritesNoAccessLines() throws {
        let sink = try Self.serve(format: .keyValue, level: .warning, requests: 2)
        #expect(sink.lines.isEmpty)
        #expect(sink.writes == 0)
    }

    @Test func linesStillBufferedAtShutdownAreWrittenBeforeShutdownReturns() throws {
        let sink = MemorySink()
        var configuration = ServerConfiguration()
        configuration.eventLoops = 1
        configuration.accessLog = AccessLog(format: .keyValue, sink: sink, flushThreshold: 1 << 20)
        let server = HTTPServer(configuration: configuration, router: TestServer.sampleRouter(), logger: Self.logger(.info))
        try server.start()
        let client = try RawHTTPClient(port: server.port)
        // Pipelined: the loop answers all ten in one iteration, buffering ten lines at once.
        client.send(String(repeating: "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", count: 10))
        for _ in 0..<10 { _ = try client.readResponse() }
        server.shutdown()
        #expect(sink.lines.count == 10)
        #expect(sink.lines.allSatisfy { $0.contains("request_id=") })
    }

    @Test func aBufferWritesManyLinesInOneWriteAndEarlyOncePastItsThreshold() throws {
        let sink = MemorySink()
        var buffer = try #require(AccessLogBuffer(AccessLog(format: .keyValue, sink: sink, flushThreshold: 1000),
                                                  logger: Self.logger(.info)))
        let entry = AccessLogEntry(requestID: "r", method: "GET", path: "/a b", status: 404, durationHundredths: 5,
                                   bytes: 0, remote: "::1")
        for _ in 0..<3 { buffer.append(entry) }
        #expect(sink.writes == 0)
        buffer.flush()
        #expect(sink.writes == 1)
        #expect(sink.lines.count == 3)
        #expect(sink.lines[0].contains(" duration_ms=0.05 "))
        #expect(sink.lines[0].contains(" path=\"/a b\" "))
        for _ in 0..<20 { buffer.append(entry) }
        #expect(sink.writes > 1)
        #expect(buffer.pending.count < 1000)
    }

    @Test func hundredthsOfAMillisecondReadAsDoubleDescriptionWouldWriteThem() {
        for n in [0, 1, 5, 10, 12, 99, 100, 101, 110, 1234, 99_999, 100_000, 123_456_789] {
            var out: [UInt8] = []
            LogLineEncoder.appendHundredths(n, .keyValue, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "\(Double(n) / 100)")
        }
    }

    @Test func keyValueQuotesOnlyWhatWouldBreakTheLine() {
        func kv(_ s: String) -> String {
            var out: [UInt8] = []
            LogLineEncoder.appendValue(s, .keyValue, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(kv("plain/value-1") == "plain/value-1")
        #expect(kv("") == "\"\"")
        #expect(kv("a=b") == "\"a=b\"")
        #expect(kv("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"")
    }
}
