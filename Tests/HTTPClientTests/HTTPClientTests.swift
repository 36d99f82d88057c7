import SentinelTesting
import Foundation
import HTTPClient
import Testing

@Suite("HTTPClient against a loopback server")
struct HTTPClientTests {
    private static let plain = HTTPClientConfiguration(totalTimeout: .seconds(5), workerThreads: 2, allowPlainHTTP: true)

    @Test("a GET returns status, lower-cased headers and body bytes")
    func getReturnsStatusHeadersAndBody() async throws {
        let server = try LoopbackServer { request in
            .respond(status: 201, headers: [("X-Echo-Path", request.path), ("Content-Type", "text/plain")],
                     body: Array("hello \(request.query["name"] ?? "")".utf8))
        }
        defer { server.stop() }
        let client = HTTPClient(configuration: Self.plain)
        let response = try await client.send(.get(server.baseURL + "/greet?name=sentinel"))
        #expect(response.status == 201)
        #expect(response.headers["x-echo-path"] == "/greet")
        #expect(response.header("Content-Type") == "text/plain")
        #expect(response.text == "hello sentinel")
    }

    @Test("request headers reach the server and a POST carries its body")
    func postSendsHeadersAndBody() async throws {
        let server = try LoopbackServer { request in
            .respond(status: 200, headers: [], body: Array("\(request.method) \(request.headers["x-key"] ?? "-") ".utf8) + request.body)
        }
        defer { server.stop() }
        let client = HTTPClient(configuration: Self.plain)
        let body = Array(repeating: UInt8(ascii: "a"), count: 3000)
        let response = try await client.send(.post(server.baseURL + "/in", headers: [HTTPHeader("X-Key", "k1")], body: body))
        #expect(response.text == "POST k1 " + String(repeating: "a", count: 3000))
    }

    @Test("an error status is a response, not an error")
    func errorStatusIsAResponse() async throws {
        let server = try LoopbackServer { _ in .respond(status: 503, headers: [("Retry-After", "7")], body: Array("busy".utf8)) }
        defer { server.stop() }
        let response = try await HTTPClient(configuration: Self.plain).send(.get(server.baseURL + "/"))
        #expect(response.status == 503)
        #expect(response.header("retry-after") == "7")
    }

    @Test("the blocking API works from an owned thread")
    func blockingSendOnOwnedThread() async throws {
        let server = try LoopbackServer { _ in .respond(status: 200, headers: [], body: Array("sync".utf8)) }
        defer { server.stop() }
        let client = HTTPClient(configuration: Self.plain)
        let url = server.baseURL + "/"
        let text: String = await withCheckedContinuation { continuation in
            Thread {
                let result = Result { () throws(HTTPClientError) -> HTTPResponse in try client.sendBlocking(.get(url)) }
                continuation.resume(returning: (try? result.get())?.text ?? "failed")
            }.start()
        }
        #expect(text == "sync")
    }

    @Test("a server that never answers fails with a timeout after the total timeout")
    func silentServerTimesOut() async throws {
        let server = try LoopbackServer { _ in .hold }
        defer { server.stop() }
        let client = HTTPClient(configuration: Self.plain)
        let start = ContinuousClock.now
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(.get(server.baseURL + "/", timeout: .milliseconds(400)))
        }
        let elapsed = ContinuousClock.now - start
        // It waited for the timeout, and did not hang (generous bound: other tests may hold the shared threads).
        #expect(elapsed >= .milliseconds(350) && elapsed < .seconds(600))
        do { _ = try await client.send(.get(server.baseURL + "/", timeout: .milliseconds(200))); Issue.record("no error") }
        catch { guard case .timeout = error else { Issue.record("expected timeout, got \(error)"); return } }
    }

    @Test("a response beyond the size cap fails with tooLarge")
    func oversizedResponseIsRefused() async throws {
        let server = try LoopbackServer { _ in .respond(status: 200, headers: [], body: [UInt8](repeating: 65, count: 100_000)) }
        defer { server.stop() }
        var config = Self.plain
        config.maxResponseBytes = 10_000
        await #expect(throws: HTTPClientError.tooLarge(limit: 10_000)) {
            _ = try await HTTPClient(configuration: config).send(.get(server.baseURL + "/big"))
        }
    }

    @Test("a body cut short of its Content-Length fails with truncated")
    func truncatedBodyIsAnError() async throws {
        let server = try LoopbackServer { _ in .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"a\":".utf8)) }
        defer { server.stop() }
        do { _ = try await HTTPClient(configuration: Self.plain).send(.get(server.baseURL + "/")); Issue.record("no error") }
        catch { guard case .truncated = error else { Issue.record("expected truncated, got \(error)"); return } }
    }

    @Test("plain http to loopback works with the default configuration")
    func loopbackHTTPAllowedByDefault() async throws {
        let server = try LoopbackServer { _ in .respond(status: 200, headers: [], body: Array("ok".utf8)) }
        defer { server.stop() }
        let response = try await HTTPClient(configuration: HTTPClientConfiguration(workerThreads: 1)).send(.get(server.baseURL + "/"))
        #expect(response.text == "ok")
    }

    @Test("a closed port fails with couldNotConnect")
    func closedPortCannotConnect() async throws {
        let server = try LoopbackServer { _ in .hold }
        let url = server.baseURL + "/"
        server.stop()
        do { _ = try await HTTPClient(configuration: Self.plain).send(.get(url)); Issue.record("no error") }
        catch { guard case .couldNotConnect = error else { Issue.record("expected couldNotConnect, got \(error)"); return } }
    }

    @Test("plain http to a remote host and header injection are refused")
    func unsafeRequestsAreRefused() async throws {
        let client = HTTPClient(configuration: HTTPClientConfiguration(workerThreads: 1))
        do { _ = try await client.send(.get("http://example.com/")); Issue.record("no error") }
        catch { guard case .invalidRequest = error else { Issue.record("expected invalidRequest, got \(error)"); return } }
        do { _ = try await client.send(.get("http://127.0.0.1.evil.example/")); Issue.record("no error") }
        catch { guard case .invalidRequest = error else { Issue.record("expected invalidRequest, got \(error)"); return } }
        do { _ = try await client.send(.get("https://127.0.0.1:1/", headers: [HTTPHeader("X", "a\r\nEvil: 1")])); Issue.record("no error") }
        catch { guard case .invalidRequest = error else { Issue.record("expected invalidRequest, got \(error)"); return } }
    }

    @Test("cancelling the task aborts a transfer in flight")
    func cancellationAbortsTransfer() async throws {
        let server = try LoopbackServer { _ in .hold }
        defer { server.stop() }
        let client = HTTPClient(configuration: Self.plain)
        let url = server.baseURL + "/"
        let task = Task { () -> HTTPClientError? in
            do throws(HTTPClientError) { _ = try await client.send(.get(url)); return nil } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let start = ContinuousClock.now
        let error = await task.value
        #expect(error == .cancelled)
        #expect(ContinuousClock.now - start < .seconds(10), "cancelling aborts the transfer instead of waiting for its timeout")
    }
}
