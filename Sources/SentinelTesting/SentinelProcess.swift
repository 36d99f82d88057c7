import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The real `sentinel` binary, started by a test on an ephemeral loopback port with its own
/// temporary store: the live tier of the test suite (Go's `httptest.NewServer`, but a process).
///
/// It waits until the server logs that it listens and reads the port from that line; every
/// log line is kept for assertions. Deinit kills the process if the test did not stop it.
public final class SentinelProcess: @unchecked Sendable {
    // `process` is configured before launch and then only read; `lines` is behind a Mutex.
    let process: Process
    public let port: Int
    public let databasePath: String
    private let lines: LineBuffer

    public struct LaunchError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The `sentinel` binary built next to the test bundle.
    public static var binaryPath: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test bundle may sit one level deeper (X.xctest/Contents/...), walk up to find the binary.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sentinel").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return exe.deletingLastPathComponent().appendingPathComponent("sentinel").path
    }

    /// A fresh temporary directory, for stores and data files.
    public static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "sentinel-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts `sentinel serve --port 0 --db <db> <arguments>`; `database` nil makes a new temporary one.
    public init(arguments: [String] = [], environment: [String: String] = [:], database: String? = nil,
                timeout: Double = 30) throws {
        let db = database ?? (Self.temporaryDirectory() + "/sentinel.db")
        databasePath = db
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binaryPath)
        p.arguments = ["serve", "--port", "0", "--db", db, "--log-level", "info"] + arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SENTINEL_") }
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let pipe = Pipe()
        p.standardError = pipe
        p.standardOutput = FileHandle.nullDevice
        let lines = LineBuffer()
        self.lines = lines
        process = p
        let handle = pipe.fileHandleForReading
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let nl = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    lines.append(line)
                    pending.removeSubrange(pending.startIndex...nl)
                }
            }
        }
        reader.start()
        try p.run()
        let deadline = Date(timeIntervalSinceNow: timeout)
        var found: Int?
        while Date() < deadline, found == nil, p.isRunning {
            found = lines.all.first { $0.contains("http server listening") }
                .flatMap { Self.value(of: "port", in: $0) }.flatMap { Int($0) }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            if p.isRunning { p.terminate() }
            let log = lines.all.suffix(20).joined(separator: "\n")
            throw LaunchError(description: "sentinel did not start listening within \(timeout) s:\n\(log)")
        }
        port = found
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Every stderr line so far.
    public var logLines: [String] { lines.all }

    /// Waits until a log line satisfies `match` (true) or the timeout passes (false).
    public func waitForLog(timeout: Double = 20, _ match: (String) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if lines.all.contains(where: match) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// One request on a new connection.
    public func request(_ method: String = "GET", _ target: String, headers: [(String, String)] = [],
                        body: [UInt8] = [], timeout: Double = 10) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        _ = client.send(Array(head.utf8) + body)
        return try client.readResponse(timeout: timeout, isHead: method == "HEAD")
    }

    /// Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash).
    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the process to exit; its exit status, or nil on timeout.
    public func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The value of `key=value` in a key=value log line.
    public static func value(of key: String, in line: String) -> String? {
        for part in line.split(separator: " ") where part.hasPrefix(key + "=") {
            return String(part.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}

/// Log lines collected from a child process, shared between its reader thread and the test.
final class LineBuffer: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}
