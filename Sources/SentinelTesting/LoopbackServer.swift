import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking-socket HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests.
/// One thread accepts; each connection gets its own thread, reads one request, asks the
/// handler what to do, and closes (`Connection: close`). Not for production use.
public final class LoopbackServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public enum Reply: Sendable {
        /// A complete response with a correct `Content-Length`.
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// These exact bytes, then close (for truncated or malformed responses).
        case raw([UInt8])
        /// Read the request and never answer; the connection closes when the server stops.
        case hold
    }

    public let port: UInt16
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let received = Atomic<Int>(0)
    private let handler: @Sendable (Request) -> Reply

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Requests received so far (counted before the handler runs).
    public var requestCount: Int { received.load(ordering: .sequentiallyConsistent) }

    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let server = self
        Thread { server.acceptLoop() }.start()
    }

    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            let server = self
            Thread { server.serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = readRequest(fd) else { return }
        received.add(1, ordering: .sequentiallyConsistent)
        switch handler(request) {
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(status < 400 ? "OK" : "Error")\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            writeAll(fd, Array((head + "\r\n").utf8) + body)
        case .raw(let bytes):
            writeAll(fd, bytes)
        case .hold:
            while !stopped.load(ordering: .sequentiallyConsistent) { usleep(20_000) }
        }
        shutdown(fd, Int32(SHUT_WR))
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { buffer[$0..<($0 + 4)].elementsEqual(terminator) }
            }
        }
        guard let end = headEnd else { return nil }
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(end + 4)...])
        let wanted = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < wanted {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            body += chunk[0..<n]
        }
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count == 2 ? String(kv[1]) : ""
            }
        }
        return Request(method: String(requestLine[0]), path: String(parts.first ?? ""), query: query,
                       headers: headers, body: body)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}
