import Foundation
import SentinelTesting
import Testing

/// `sentinel serve` writes one access-log line per request through the buffered path, in the
/// same key=value format as every other line, and loses none of them on SIGTERM.
@Suite struct ServeAccessLogTests {
    @Test func everyRequestIsLoggedWithItsRequestIDAndNoneIsLostOnSIGTERM() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        for i in 0..<5 {
            let r = try server.request("GET", "/v1", headers: [("X-Request-Id", "access-\(i)")])
            #expect(r.status == 200)
        }
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
        let lines = server.logLines.filter { $0.contains(" msg=request ") }
        #expect(lines.count == 5)
        for i in 0..<5 {
            let line = lines.first { SentinelProcess.value(of: "request_id", in: $0) == "access-\(i)" }
            #expect(line.map { SentinelProcess.value(of: "path", in: $0) } == "/v1")
            #expect(line.map { SentinelProcess.value(of: "status", in: $0) } == "200")
            #expect(line.map { SentinelProcess.value(of: "logger", in: $0) } == "sentinel")
            #expect(line.flatMap { SentinelProcess.value(of: "instance", in: $0) } != nil)
        }
    }
}
