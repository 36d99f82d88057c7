#if canImport(Glibc)
import SentinelTesting
import Glibc
#endif
import Testing
import HTTPServer

/// Large bodies over the real server: kept in an in-memory file and sent with sendfile(2), as
/// the page cache serves them, or sent from the heap with one sendmsg after their head.
@Suite struct FileBodyTests {
    /// 1 MiB of a repeating pattern: more than a loopback socket takes at once, so the send
    /// is split across several writable events.
    static let large: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    static func router() throws -> Router {
        var router = TestServer.sampleRouter()
        let file = try #require(FileBackedBody(large))
        router.get("/file", options: RouteOptions(execution: .inline)) { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: .file(file))
        }
        router.get("/bytes", options: RouteOptions(execution: .inline)) { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: .bytes(large))
        }
        return router
    }

    @Test func aLargeFileBodyArrivesWholeWithItsLength() throws {
        try TestServer.with(try Self.router()) { server in
            let client = try RawHTTPClient(port: server.port)
            for _ in 0..<2 {
                client.send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse(timeout: 10)
                #expect(response.status == 200)
                #expect(response.header("Content-Length") == "\(Self.large.count)")
                #expect(response.body == Self.large)
            }
        }
    }

    @Test func responsesPipelinedBehindAFileBodyFollowItInOrder() throws {
        try TestServer.with(try Self.router()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /file HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /file HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let responses = try (0..<4).map { _ in try client.readResponse(timeout: 10) }
            #expect(responses.map(\.status) == [200, 200, 200, 200])
            #expect(responses[0].body == Self.large && responses[2].body == Self.large)
            #expect(responses[1].text == "hello" && responses[3].text == "hello")
        }
    }

    @Test func aLargeInMemoryBodyArrivesWholeAndPipelinedResponsesFollowIt() throws {
        try TestServer.with(try Self.router()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /bytes HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /bytes HTTP/1.1\r\nHost: x\r\n\r\n")
            let responses = try (0..<3).map { _ in try client.readResponse(timeout: 10) }
            #expect(responses.map(\.status) == [200, 200, 200])
            #expect(responses[0].header("Content-Length") == "\(Self.large.count)")
            #expect(responses[0].body == Self.large && responses[2].body == Self.large)
            #expect(responses[1].text == "hello")
        }
    }

    @Test func aHeadRequestGetsTheLengthAndNoBody() throws {
        try TestServer.with(try Self.router()) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try client.readResponse(isHead: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "\(Self.large.count)")
            #expect(head.body.isEmpty)
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func aFileBodyKeepsItsBytesForCopyingPaths() throws {
        let file = try #require(FileBackedBody([1, 2, 3]))
        #expect(file.count == 3)
        #expect(ResponseBody.file(file).knownBytes == [1, 2, 3])
    }
}
