#if canImport(Glibc)
import SentinelTesting
import Glibc
#endif
import Dispatch
import Synchronization
import Testing
import HTTPServer

/// Slow clients, many clients, shutdown and streams against the live server.
@Suite struct ResilienceTests {
    @Test func thousandIdleConnectionsDoNotDelayANormalClient() throws {
        TestServer.raiseFileLimit(to: 8192)
        try TestServer.with(TestServer.sampleRouter(), configure: { $0.maxConnectionsPerClient = 2000 }) { server in
            var idle: [RawHTTPClient] = []
            for i in 0..<1000 {
                // Spread over several source addresses, as distinct clients would be.
                idle.append(try RawHTTPClient(port: server.port, from: "127.0.0.\(2 + i % 50)"))
            }
            idle[0].send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try idle[0].readResponse(timeout: 10).status == 200)
            let client = try RawHTTPClient(port: server.port)
            for _ in 0..<20 {
                let started = RawHTTPClient.now()
                client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse(timeout: 10).status == 200)
                // Served long before any idle connection times out (15 s); generous for a busy machine.
                #expect(RawHTTPClient.now() - started < 5)
            }
            #expect(idle.count == 1000)
        }
    }

    @Test func slowlorisGets408AtTheHeaderDeadlineWhileOthersAreServed() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: { $0.timeouts.header = 1 }) { server in
            let slow = try RawHTTPClient(port: server.port)
            let request = Array("GET /hello HTTP/1.1\r\nHost: x\r\nX-Padding: \(String(repeating: "a", count: 100))\r\n\r\n".utf8)
            let started = RawHTTPClient.now()
            let other = try RawHTTPClient(port: server.port)
            var index = 0
            var answered = 0
            while RawHTTPClient.now() - started < 2.5 && index < request.count - 4 {
                guard slow.send([request[index]]) else { break }
                index += 1
                other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                if try other.readResponse(timeout: 1).status == 200 { answered += 1 }
                let early = slow.readAvailable(timeout: 0.1)
                if !early.isEmpty {
                    let text = String(decoding: early, as: UTF8.self)
                    #expect(text.hasPrefix("HTTP/1.1 408"))
                    break
                }
            }
            let elapsed = RawHTTPClient.now() - started
            // At the 1 s header deadline, not before; the upper bound only rules out waiting for another timeout.
            #expect(elapsed > 0.9 && elapsed < 8)
            #expect(slow.waitForClose(timeout: 3))
            #expect(answered >= 5)
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: { $0.timeouts.keepAliveIdle = 0.3 }) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(client.readAvailable(timeout: 2).isEmpty)
            #expect(client.closedByPeer)
        }
    }

    @Test func gracefulShutdownAnswersEveryInFlightRequest() throws {
        var router = TestServer.sampleRouter()
        let started = Atomic<Int>(0)
        router.get("/slow") { _ in
            started.add(1, ordering: .relaxed)
            usleep(400_000)
            return .text("done")
        }
        var configuration = ServerConfiguration()
        configuration.eventLoops = 2
        configuration.handlerThreads = 4
        let server = HTTPServer(configuration: configuration, router: router, logger: TestServer.quietLogger)
        try server.start()
        let port = server.port
        let clients = try (0..<4).map { _ in try RawHTTPClient(port: port) }
        let idle = try RawHTTPClient(port: port)
        for c in clients { c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n") }
        let deadline = RawHTTPClient.now() + 2
        while started.load(ordering: .relaxed) < 4 && RawHTTPClient.now() < deadline { usleep(5_000) }
        let stopper = DispatchQueue(label: "stopper")
        let stopped = DispatchSemaphore(value: 0)
        stopper.async { server.shutdown(); stopped.signal() }
        usleep(50_000)
        #expect(server.isDraining)
        for c in clients {
            let response = try c.readResponse(timeout: 10)
            #expect(response.text == "done")
            #expect(response.header("Connection") == "close")
        }
        #expect(idle.waitForClose(timeout: 2))
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect((try? RawHTTPClient(port: port)) == nil)
    }

    @Test func streamWrittenFromAnotherThreadReachesTheClient() throws {
        let streams = Mutex<[ResponseStream]>([])
        var router = Router()
        router.get("/events") { _ in
            let stream = ResponseStream()
            streams.withLock { $0.append(stream) }
            return .eventStream(stream)
        }
        try TestServer.with(router) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
            let deadline = RawHTTPClient.now() + 2
            while streams.withLock({ $0.isEmpty }) && RawHTTPClient.now() < deadline { usleep(2_000) }
            let stream = try #require(streams.withLock { $0.first })
            let writer = DispatchQueue(label: "writer")
            writer.async {
                stream.write("data: one\n\n")
                stream.write("data: two\n\n")
                stream.close()
            }
            let response = try client.readResponse(timeout: 10)
            #expect(response.header("Content-Type") == "text/event-stream")
            #expect(response.header("Content-Length") == nil)
            #expect(response.text == "data: one\n\ndata: two\n\n")
            #expect(stream.isClosed)
        }
    }

    @Test func streamWhoseClientDoesNotReadIsDroppedWithoutBlockingTheWriter() throws {
        let streams = Mutex<[ResponseStream]>([])
        var router = Router()
        router.get("/events", options: .inline) { _ in
            let stream = ResponseStream(bufferLimit: 256 * 1024)
            streams.withLock { $0.append(stream) }
            return .eventStream(stream)
        }
        try TestServer.with(router) { server in
            let client = try RawHTTPClient(port: server.port)
            Socket.shrinkReceiveBuffer(client.fd)
            client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
            let deadline = RawHTTPClient.now() + 2
            while streams.withLock({ $0.isEmpty }) && RawHTTPClient.now() < deadline { usleep(2_000) }
            let stream = try #require(streams.withLock { $0.first })
            let closed = Atomic<Bool>(false)
            stream.onClose { closed.store(true, ordering: .relaxed) }
            let chunk = [UInt8](repeating: 120, count: 4096)
            let started = RawHTTPClient.now()
            var accepted = 0
            // Never reads: the kernel buffers fill, then the stream's own cap is hit.
            while stream.write(chunk) && RawHTTPClient.now() - started < 5 {
                accepted += 1
                if accepted % 64 == 0 { usleep(1_000) }
            }
            #expect(RawHTTPClient.now() - started < 5)
            #expect(stream.write(chunk) == false)
            let wasClosed = closed.load(ordering: .relaxed)
            #expect(wasClosed)
            #expect(accepted > 10)
        }
    }
}

enum Socket {
    static func shrinkReceiveBuffer(_ fd: Int32) {
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
}
