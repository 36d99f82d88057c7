import Testing
@testable import HTTPServer

/// The parse must not depend on how the bytes were split across reads.
@Suite struct ParserSplitTests {
    static let corpus: [String] = [
        "GET /v1/assets?limit=5 HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n",
        "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        // Rejections must also be the same for every split.
        "GET / HTTP/1.1\r\nHost: x\r\nBad : y\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\r\n\r\n",
    ]

    @Test(arguments: corpus)
    func everyTwoWaySplitGivesTheSameParse(_ text: String) {
        let bytes = Array(text.utf8)
        let whole = ParseHarness.run([bytes])
        for cut in 1..<bytes.count {
            let split = ParseHarness.run([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(split == whole, "split at \(cut)")
        }
    }

    @Test(arguments: corpus)
    func byteAtATimeGivesTheSameParse(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(ParseHarness.run(bytes.map { [$0] }) == ParseHarness.run([bytes]))
    }

    @Test func pipelinedRequestsParseInOrder() {
        let text = (1...5).map { "GET /r\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
            + "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /last HTTP/1.1\r\nHost: x\r\n\r\n"
        guard case .requests(let r, let leftover) = ParseHarness.run(text) else { Issue.record("rejected"); return }
        #expect(r.map(\.target) == ["/r1", "/r2", "/r3", "/r4", "/r5", "/p", "/last"])
        #expect(r[5].body == Array("abc".utf8))
        #expect(leftover == 0)
    }

    @Test func incompleteHeadWaitsForMoreInput() {
        guard case .requests(let r, let leftover) = ParseHarness.run("GET / HTTP/1.1\r\nHost: x\r\n") else {
            Issue.record("rejected"); return
        }
        #expect(r.isEmpty)
        #expect(leftover > 0)
    }
}
