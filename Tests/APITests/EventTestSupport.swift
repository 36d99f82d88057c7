import API
import Domain
import Foundation
import HTTPServer
import Logging
import SentinelTesting
import Synchronization

/// An in-memory ``EventLog`` for bus tests that do not need SQLite.
final class MemoryEventLog: EventLog {
    private let events = Mutex<[StoredEvent]>([])
    func append(_ event: StoredEvent) throws { events.withLock { $0.append(event) } }
    func events(after: ULID?, limit: Int) throws -> [StoredEvent] {
        events.withLock { all in Array(all.filter { e in after.map { e.id > $0 } ?? true }.prefix(limit)) }
    }
    func pruneEvents(before: Timestamp) throws -> Int {
        events.withLock { all in
            let n = all.count
            all.removeAll { $0.at < before }
            return n - all.count
        }
    }
    var all: [StoredEvent] { events.withLock { $0 } }
}

enum EventFixtures {
    static let start = Timestamp(milliseconds: 1_744_675_200_000) // 2025-04-15T00:00:00Z

    static func run(_ n: Int, ids: ULIDGenerator) -> Run {
        Run(id: ids.next(), pipeline: .feature, asset: AssetID("bitcoin"), trigger: .schedule, status: .running,
            requestedAt: start, startedAt: start, reason: "test \(n)")
    }

    static func alert(ids: ULIDGenerator) -> Alert {
        Alert(id: ids.next(), asset: AssetID("bitcoin"), kind: .priceChange, severity: .warning,
              message: "price up 6 % in 24 h", value: 0.06, threshold: 0.05, raisedAt: start)
    }
}

/// A bus served by a real in-process HTTP server on a loopback port.
final class EventServer {
    let bus: EventBus
    let server: HTTPServer
    let clock: ManualWallClock
    let ids: ULIDGenerator
    let log: any EventLog

    init(log: any EventLog = MemoryEventLog(), configuration: EventBusConfiguration = EventBusConfiguration()) throws {
        clock = ManualWallClock(EventFixtures.start)
        ids = ULIDGenerator(clock: clock, seed: 7)
        self.log = log
        bus = EventBus(log: log, ids: ULIDGenerator(clock: clock, seed: 11), clock: clock,
                       configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        var router = Router()
        EventRoutes(bus: bus).register(on: &router)
        var config = ServerConfiguration(host: "127.0.0.1", port: 0)
        config.eventLoops = 1
        server = HTTPServer(configuration: config, router: router, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try server.start()
    }

    deinit { bus.stop(); server.shutdown() }

    /// Opens `GET target` and returns the connected client once the response head arrived.
    func connect(_ target: String = "/v1/events", headers: [(String, String)] = []) throws -> SSEReader {
        let client = try RawHTTPClient(port: server.port)
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        client.send(head + "\r\n")
        return SSEReader(client: client)
    }

    /// Waits until the bus has `n` subscribers.
    func waitForSubscribers(_ n: Int, timeout: Double = 5) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if bus.subscriberCount == n { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}

/// One parsed Server-Sent Event.
struct SSEFrame: Equatable {
    var id: String?
    var event: String?
    var data: String
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]) ?? [:] }
    static func == (a: SSEFrame, b: SSEFrame) -> Bool { a.id == b.id && a.event == b.event && a.data == b.data }
}

/// Reads an event stream incrementally from a raw client.
final class SSEReader {
    let client: RawHTTPClient
    private var text = ""
    private(set) var status: Int?
    private(set) var head = ""
    private(set) var comments: [String] = []

    init(client: RawHTTPClient) { self.client = client }

    /// Reads until `count` frames with an `event:` have arrived or the timeout passes.
    func frames(count: Int, timeout: Double = 5) -> [SSEFrame] {
        var got: [SSEFrame] = []
        let deadline = Date(timeIntervalSinceNow: timeout)
        while got.count < count, Date() < deadline {
            text += String(decoding: client.readAvailable(timeout: 0.05), as: UTF8.self)
            got += parse()
        }
        return got
    }

    /// Everything that arrives within `seconds`.
    func drain(for seconds: Double) -> [SSEFrame] {
        text += String(decoding: client.readAvailable(timeout: seconds), as: UTF8.self)
        return parse()
    }

    private func parse() -> [SSEFrame] {
        if status == nil {
            guard let end = text.range(of: "\r\n\r\n") else { return [] }
            head = String(text[..<end.lowerBound])
            status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            text = String(text[end.upperBound...])
        }
        var out: [SSEFrame] = []
        while let end = text.range(of: "\n\n") {
            let block = text[..<end.lowerBound]
            text = String(text[end.upperBound...])
            var frame = SSEFrame(id: nil, event: nil, data: "")
            for line in block.split(separator: "\n") {
                if line.hasPrefix(":") { comments.append(String(line)); continue }
                if line.hasPrefix("id: ") { frame.id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { frame.data = String(line.dropFirst(6)) }
            }
            if frame.event != nil { out.append(frame) }
        }
        return out
    }
}
