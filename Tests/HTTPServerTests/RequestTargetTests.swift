import Testing
@testable import HTTPServer

/// Splitting request targets into path and query, and routing over odd slashes.
@Suite struct RequestTargetTests {
    @Test(arguments: [
        ("/v1/assets?limit=5&x", "/v1/assets", "limit=5&x"),
        ("/", "/", ""),
        ("/p?", "/p", ""),
        ("/caf%C3%A9/é?q=é", "/caf%C3%A9/é", "q=é"),
        ("http://example.com/p/q?z=1", "/p/q", "z=1"),
        ("http://example.com", "/", ""),
    ])
    func targetsSplitAtTheFirstQuestionMark(_ target: String, _ path: String, _ query: String) {
        let split = RequestTarget.split(target)
        #expect(String(split.path) == path)
        #expect(String(split.query) == query)
    }

    @Test func repeatedAndTrailingSlashesRouteLikeSingleOnes() {
        var router = Router()
        router.get("/v1/assets/{asset}") { _ in .text("ok") }
        guard case .found(_, let parameters) = router.match(.get, path: "//v1///assets/btc/") else {
            Issue.record("no match")
            return
        }
        #expect(parameters["asset"] == "btc")
    }
}
