import SentinelTesting
import Synchronization
import Testing
import HTTPServer

/// `RouteOptions.inlineAttempt`: a non-blocking answer on the event loop before offloading.
@Suite struct InlineAttemptTests {
    @Test func anInlineAnswerSkipsTheHandlerAndNilFallsBackToIt() throws {
        let handlerCalls = Atomic<Int>(0)
        var router = Router()
        let options = RouteOptions(inlineAttempt: { request in
            request.query["cached"] == "yes" ? .text("from cache") : nil
        })
        router.get("/page", options: options) { _ in
            handlerCalls.add(1, ordering: .relaxed)
            return .text("rendered")
        }
        try TestServer.with(router) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /page?cached=yes HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().text == "from cache")
            #expect(handlerCalls.load(ordering: .relaxed) == 0)
            client.send("GET /page HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().text == "rendered")
            #expect(handlerCalls.load(ordering: .relaxed) == 1)
        }
    }
}
