#if canImport(Glibc)
import SentinelTesting
import Glibc
#endif
import Testing
import HTTPServer

/// Starts the real server on 127.0.0.1:0 and talks raw HTTP to it.
@Suite struct LiveServerTests {
    @Test func keepAliveServesSeveralRequestsWithServerHeaders() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            for _ in 0..<3 {
                client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "hello")
                #expect(response.header("Content-Length") == "5")
                #expect(response.header("Date")?.hasSuffix("GMT") == true)
                #expect(response.header("X-Request-Id") != nil)
                #expect(response.header("Connection") == nil)
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderAcrossInlineAndOffloadedRoutes() throws {
        var router = TestServer.sampleRouter()
        router.get("/slow") { _ in usleep(150_000); return .text("slow") }
        try TestServer.with(router) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /echo/three HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let bodies = try (0..<4).map { _ in try client.readResponse().text }
            #expect(bodies == ["slow", "hello", "three", "hello"])
        }
    }

    static let smugglingProbes: [String] = [
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length : 4\r\n\r\nabcd",
        "GET /hello HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
        "GET /hello HTTP/1.1\nHost: x\n\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\na\r\n0\r\n\r\n",
    ]

    @Test(arguments: smugglingProbes)
    func smugglingProbeGets400AndTheConnectionCloses(_ probe: String) throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(probe + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(response.header("Content-Type") == "application/problem+json")
            // Nothing after the rejected request is processed.
            #expect(client.readAvailable(timeout: 2).isEmpty)
            #expect(client.closedByPeer)
        }
    }

    @Test func hugeBodyGets413BeforeItIsRead() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            let started = RawHTTPClient.now()
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n")
            client.send([UInt8](repeating: 97, count: 64 * 1024))
            let response = try client.readResponse(timeout: 3)
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(RawHTTPClient.now() - started < 1.5)
            #expect(client.waitForClose(timeout: 4))
        }
    }

    @Test func oversizedChunkedBodyGets413() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\nabc")
            #expect(try client.readResponse().status == 413)
        }
    }

    @Test func chunkedUploadIsDelivered() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\nX-T: 1\r\n\r\n")
            #expect(try client.readResponse().text == "got 6")
        }
    }

    @Test func expectContinueSendsInterimResponseWhenAccepted() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            client.send("abc")
            #expect(try client.readResponse().text == "got 3")
        }
    }

    @Test func expectContinueGetsFinalStatusWhenRefused() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            let unknown = try RawHTTPClient(port: server.port)
            unknown.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            #expect(try unknown.readResponse().status == 404)
        }
    }

    @Test func headHasGetHeadersWithoutBody() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try client.readResponse(isHead: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            // The next bytes are the GET's response, proving HEAD sent no body.
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /missing?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            let missing = try client.readResponse()
            #expect(missing.status == 404)
            #expect(missing.text.contains(#""instance":"/missing?x=1""#))
            client.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let wrong = try client.readResponse()
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow") == "GET, HEAD, OPTIONS")
        }
    }

    @Test func connectionCloseStopsProcessing() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.header("Connection") == "close")
            #expect(client.readAvailable(timeout: 2).isEmpty)
            #expect(client.closedByPeer)
        }
    }

    @Test func httpOneZeroClosesUnlessKeepAlive() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let keep = try RawHTTPClient(port: server.port)
            keep.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keep.readResponse().header("Connection") == "keep-alive")
            let plain = try RawHTTPClient(port: server.port)
            plain.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try plain.readResponse().header("Connection") == "close")
            #expect(plain.waitForClose())
        }
    }

    @Test func lastAllowedRequestOnAConnectionGetsConnectionClose() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: { $0.maxRequestsPerConnection = 3 }) { server in
            let client = try RawHTTPClient(port: server.port)
            var closes: [String?] = []
            for _ in 0..<3 {
                client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                closes.append(try client.readResponse().header("Connection"))
            }
            #expect(closes == [nil, nil, "close"])
            #expect(client.waitForClose())
        }
    }

    @Test func saneRequestIDIsEchoedAndOtherwiseGenerated() throws {
        try TestServer.with(TestServer.sampleRouter()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n")
            let echoed = try client.readResponse()
            #expect(echoed.text == "abc-123")
            #expect(echoed.header("X-Request-Id") == "abc-123")
            client.send("GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: \(String(repeating: "z", count: 200))\r\n\r\n")
            let generated = try client.readResponse()
            #expect(generated.text.count < 40)
            client.send("GET /id HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().text != generated.text)
        }
    }

    @Test func thrownErrorsBecomeProblemDocuments() throws {
        struct Secret: Error {}
        var router = Router()
        router.get("/problem") { _ in throw ParameterError(name: "limit", reason: "must be an integer") }
        router.get("/crash") { _ in throw Secret() }
        try TestServer.with(router) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /problem HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-1\r\n\r\n")
            let problem = try client.readResponse()
            #expect(problem.status == 400)
            #expect(problem.text.contains(#""errors":[{"name":"limit","in":"query""#))
            #expect(problem.text.contains(#""request_id":"r-1""#))
            client.send("GET /crash HTTP/1.1\r\nHost: x\r\n\r\n")
            let crash = try client.readResponse()
            #expect(crash.status == 500)
            #expect(!crash.text.contains("Secret"))
        }
    }

    @Test func connectionsBeyondThePerClientCapAreRefused() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: { $0.maxConnectionsPerClient = 2 }) { server in
            let a = try RawHTTPClient(port: server.port)
            let b = try RawHTTPClient(port: server.port)
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try a.readResponse().status == 200)
            #expect(try b.readResponse().status == 200)
            let third = try RawHTTPClient(port: server.port)
            #expect(try third.readResponse().status == 503)
            // Another address is a different client.
            let other = try RawHTTPClient(port: server.port, from: "127.0.0.2")
            other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try other.readResponse().status == 200)
        }
    }
}
