import Domain
import Foundation
import HTTPClient
import Pipelines
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The same libcurl transport the executable wires (Sources/sentinel/Wiring), for tests.
struct LibcurlTestTransport: WebhookTransport {
    let client = HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(1), totalTimeout: .seconds(5),
                                                                   maxResponseBytes: 64 * 1024, workerThreads: 1))
    func post(url: String, headers: [WebhookHeader], body: [UInt8], timeout: Milliseconds) throws(WebhookTransportError) -> Int {
        let request = HTTPRequest.post(url, headers: headers.map { HTTPHeader($0.name, $0.value) }, body: body,
                                       timeout: .milliseconds(timeout.value))
        do { return try client.sendBlocking(request).status } catch {
            switch error {
            case .timeout(let m): throw .timeout(m)
            case .couldNotConnect(let m): throw .couldNotConnect(m)
            default: throw .other(error.description)
            }
        }
    }
}

/// A webhook receiver on 127.0.0.1 (ephemeral port): one thread accepts, each connection
/// is read on its own thread, and `answer` decides the status, or nil to never answer.
final class WebhookReceiver: Sendable {
    struct Received: Sendable { var headers: [String: String]; var body: [UInt8] }

    let port: UInt16
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let log = Mutex<[Received]>([])
    private let answer: @Sendable (Int) -> Int?

    var url: String { "http://127.0.0.1:\(port)/hooks/sentinel" }
    var received: [Received] { log.withLock { $0 } }

    /// `answer(n)` for the n-th request (1-based): a status, or nil to hold the connection.
    init(answer: @escaping @Sendable (Int) -> Int?) throws {
        self.answer = answer
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in accept() }.start()
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR)); close(listener)
    }

    private func accept() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = Glibc.accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let request = read(fd) else { return }
        let n = log.withLock { $0.append(request); return $0.count }
        guard let status = answer(n) else {
            while !stopped.load(ordering: .sequentiallyConsistent) { usleep(10_000) }
            return
        }
        let reply = Array("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func read(_ fd: Int32) -> Received? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int?
        var headers: [String: String] = [:]
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
            if headEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer) {
                headEnd = end + 4
                for line in String(decoding: buffer[..<end], as: UTF8.self).split(separator: "\r\n").dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            if let start = headEnd, buffer.count - start >= Int(headers["content-length"] ?? "0") ?? 0 {
                return Received(headers: headers, body: Array(buffer[start...]))
            }
        }
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        return (0...(hay.count - needle.count)).first { hay[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
