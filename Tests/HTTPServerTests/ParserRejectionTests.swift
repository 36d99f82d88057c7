import Testing
@testable import HTTPServer

/// Every rejection from hardening.md §2, with the status it must produce.
@Suite struct ParserRejectionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var request: String
        var status: Int
        var testDescription: String { name }
    }

    static let h = "Host: x\r\n"

    static let cases: [Case] = [
        Case(name: "CL and TE together", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "two differing CL", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", status: 400),
        Case(name: "duplicate CL", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 1\r\nContent-Length: 1\r\n\r\na", status: 400),
        Case(name: "CL list", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 1, 2\r\n\r\nab", status: 400),
        Case(name: "CL +1", request: "POST / HTTP/1.1\r\n\(h)Content-Length: +1\r\n\r\na", status: 400),
        Case(name: "CL -1", request: "POST / HTTP/1.1\r\n\(h)Content-Length: -1\r\n\r\na", status: 400),
        Case(name: "CL hex", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 0x5\r\n\r\nabcde", status: 400),
        Case(name: "CL underscore", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 1_0\r\n\r\n", status: 400),
        Case(name: "CL empty", request: "POST / HTTP/1.1\r\n\(h)Content-Length: \r\n\r\n", status: 400),
        Case(name: "CL overflow", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 99999999999999999999999\r\n\r\n", status: 400),
        Case(name: "TE not ending in chunked", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked, identity\r\n\r\n", status: 400),
        Case(name: "TE chunked twice", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        Case(name: "TE in HTTP/1.0", request: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "unknown TE gzip", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: gzip\r\n\r\n", status: 501),
        Case(name: "TE gzip then chunked", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        Case(name: "obs-fold", request: "GET / HTTP/1.1\r\n\(h)X-A: 1\r\n  folded\r\n\r\n", status: 400),
        Case(name: "space before colon", request: "GET / HTTP/1.1\r\n\(h)Content-Length : 5\r\n\r\n", status: 400),
        Case(name: "tab before colon", request: "GET / HTTP/1.1\r\n\(h)X-A\t: 5\r\n\r\n", status: 400),
        Case(name: "bare CR in value", request: "GET / HTTP/1.1\r\n\(h)X-A: a\rb\r\n\r\n", status: 400),
        Case(name: "bare CR in request line", request: "GET /\r HTTP/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "bare LF line end", request: "GET / HTTP/1.1\n\(h)\r\n", status: 400),
        Case(name: "bare LF ending head", request: "GET / HTTP/1.1\r\n\(h)\n", status: 400),
        Case(name: "NUL in header value", request: "GET / HTTP/1.1\r\n\(h)X-A: a\u{0}b\r\n\r\n", status: 400),
        Case(name: "CTL in header value", request: "GET / HTTP/1.1\r\n\(h)X-A: a\u{1}b\r\n\r\n", status: 400),
        Case(name: "NUL in target", request: "GET /a\u{0}b HTTP/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "CTL in target", request: "GET /a\u{7f}b HTTP/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "missing Host", request: "GET / HTTP/1.1\r\n\r\n", status: 400),
        Case(name: "duplicate Host", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        Case(name: "bad Host", request: "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n", status: 400),
        Case(name: "chunk size 0x1", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n0x1\r\na\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size -1", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n-1\r\na\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size leading SP", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n 1\r\na\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size empty", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n\r\na\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size 17 hex digits", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n00000000000000001\r\na\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk data too long", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk data missing CRLF", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n1\r\na0\r\n\r\n", status: 400),
        Case(name: "bare LF in chunk line", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk extension over 4 KiB", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n1;x=\(String(repeating: "a", count: 5000))\r\na\r\n0\r\n\r\n", status: 400),
        Case(name: "request line over 8 KiB", request: "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\n\(h)\r\n", status: 414),
        Case(name: "header section over 16 KiB", request: "GET / HTTP/1.1\r\n\(h)X-Big: \(String(repeating: "a", count: 17000))\r\n\r\n", status: 431),
        Case(name: "over 100 fields", request: "GET / HTTP/1.1\r\n\(h)" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", status: 431),
        Case(name: "unknown method", request: "BREW / HTTP/1.1\r\n\(h)\r\n", status: 501),
        Case(name: "overlong method", request: "\(String(repeating: "G", count: 40)) / HTTP/1.1\r\n\(h)\r\n", status: 501),
        Case(name: "HTTP/2.0", request: "GET / HTTP/2.0\r\n\(h)\r\n", status: 505),
        Case(name: "lowercase http/1.1", request: "GET / http/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "two leading empty lines", request: "\r\n\r\nGET / HTTP/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "double space in request line", request: "GET  / HTTP/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "target not origin-form", request: "GET abc HTTP/1.1\r\n\(h)\r\n", status: 400),
        Case(name: "body over route limit by CL", request: "POST / HTTP/1.1\r\n\(h)Content-Length: 2000\r\n\r\n", status: 413),
        Case(name: "body over route limit by chunk size", request: "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n7D1\r\n", status: 413),
        Case(name: "unsupported expectation", request: "POST / HTTP/1.1\r\n\(h)Expect: magic\r\nContent-Length: 1\r\n\r\na", status: 417),
    ]

    @Test(arguments: cases)
    func rejectsWithStatus(_ testCase: Case) {
        #expect(ParseHarness.rejection(testCase.request, bodyLimit: 1000) == testCase.status)
    }

    @Test func longRequestLineIsRejectedBeforeItEnds() {
        // No CRLF yet: the parser must not wait for the end of an oversized line.
        let partial = "GET /" + String(repeating: "a", count: 9000)
        #expect(ParseHarness.rejection(partial) == 414)
    }

    @Test func oversizedHeaderSectionIsRejectedBeforeItEnds() {
        let partial = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 17000)
        #expect(ParseHarness.rejection(partial) == 431)
    }
}

@Suite struct ParserAcceptanceTests {
    @Test func httpOneNineIsServedAsOneOne() throws {
        guard case .requests(let r, _) = ParseHarness.run("GET / HTTP/1.9\r\nHost: x\r\n\r\n") else {
            Issue.record("rejected"); return
        }
        #expect(r.first?.minor == 1)
    }

    @Test func oneLeadingEmptyLineIsIgnored() {
        guard case .requests(let r, _) = ParseHarness.run("\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n") else {
            Issue.record("rejected"); return
        }
        #expect(r.map(\.target) == ["/a"])
    }

    @Test func httpOneZeroWithoutHostIsAcceptedAndCloses() {
        guard case .requests(let r, _) = ParseHarness.run("GET / HTTP/1.0\r\n\r\n") else {
            Issue.record("rejected"); return
        }
        #expect(r.first?.keepAlive == false)
    }

    @Test func connectionCloseTurnsOffKeepAlive() {
        guard case .requests(let r, _) = ParseHarness.run("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") else {
            Issue.record("rejected"); return
        }
        #expect(r.first?.keepAlive == false)
    }

    @Test func headerValuesAreTrimmed() {
        guard case .requests(let r, _) = ParseHarness.run("GET / HTTP/1.1\r\nHost: x\r\nX-A: \t spaced \t\r\n\r\n") else {
            Issue.record("rejected"); return
        }
        #expect(r.first?.headers.last == "X-A: spaced")
    }

    @Test func chunkedBodyWithExtensionsAndTrailersIsDecoded() {
        let text = "POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\n0\r\nX-Checksum: 42\r\nX-Other: y\r\n\r\n"
        guard case .requests(let r, let leftover) = ParseHarness.run(text) else { Issue.record("rejected"); return }
        #expect(r.count == 1)
        #expect(String(decoding: r[0].body, as: UTF8.self) == "hello world")
        #expect(leftover == 0)
    }
}
