#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking raw-socket HTTP/1.1 client for tests: sends exact bytes, reads responses
/// with a deadline, and can tell whether the server closed the connection.
public final class RawHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Response {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []
    public private(set) var closedByPeer = false

    public init(port: Int, from localAddress: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if let localAddress {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, localAddress, &local.sin_addr)
            _ = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "connect: errno \(code)")
        }
    }

    deinit { close(fd) }

    /// Sends everything; returns false if the peer reset the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads more bytes, waiting at most `timeout` seconds; false on timeout or close.
    private func fill(until deadline: Double) -> Bool {
        let remaining = deadline - Self.now()
        guard remaining > 0 else { return false }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(remaining * 1000) + 1) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 {
            closedByPeer = true
            return false
        }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response (Content-Length framed, or close-delimited when absent).
    public func readResponse(timeout: Double = 5, isHead: Bool = false) throws -> Response {
        let deadline = Self.now() + timeout
        var headEnd: Int?
        while true {
            if let end = Self.find([13, 10, 13, 10], in: buffer) { headEnd = end; break }
            guard fill(until: deadline) else {
                throw Failure(description: "no response head (closed: \(closedByPeer), got \(buffer.count) bytes)")
            }
        }
        let headText = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line: \(headText)")
        }
        let headers: [(String, String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: " "))
        }
        buffer.removeFirst(headEnd! + 4)
        var response = Response(status: status, headers: headers, body: [])
        if status == 100 || isHead || status == 204 || status == 304 { return response }
        if let lengthText = response.header("Content-Length"), let length = Int(lengthText) {
            while buffer.count < length {
                guard fill(until: deadline) else { throw Failure(description: "short body") }
            }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else {
            while fill(until: deadline) {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// Reads whatever arrives until `timeout` passes or the server closes.
    public func readAvailable(timeout: Double) -> [UInt8] {
        let deadline = Self.now() + timeout
        while fill(until: deadline) {}
        let out = buffer
        buffer = []
        return out
    }

    /// True if the server closes the connection within `timeout` (after discarding any data).
    public func waitForClose(timeout: Double = 3) -> Bool {
        let deadline = Self.now() + timeout
        while !closedByPeer && fill(until: deadline) {}
        return closedByPeer
    }

    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
