import Testing
@testable import HTTPServer

@Suite struct RouterTests {
    static func router() -> Router {
        var router = Router()
        router.get("/v1/models/{id}") { _ in .text("one") }
        router.get("/v1/models/history") { _ in .text("history") }
        router.post("/v1/models/{id}/promote") { _ in .text("promote") }
        router.get("/v1/assets/{asset}/prices") { _ in .text("prices") }
        router.get("/") { _ in .text("root") }
        return router
    }

    func pattern(_ match: Router.Match) -> String? {
        if case .found(let route, _) = match { return route.pattern }
        return nil
    }

    @Test func capturesPathParameters() {
        guard case .found(let route, let params) = Self.router().match(.get, path: "/v1/assets/btc/prices") else {
            Issue.record("no match"); return
        }
        #expect(route.pattern == "/v1/assets/{asset}/prices")
        #expect(params == ["asset": "btc"])
    }

    @Test func parametersArePercentDecoded() {
        guard case .found(_, let params) = Self.router().match(.get, path: "/v1/assets/a%20b%2Fc/prices") else {
            Issue.record("no match"); return
        }
        #expect(params["asset"] == "a b/c")
    }

    @Test func literalSegmentBeatsParameter() {
        #expect(pattern(Self.router().match(.get, path: "/v1/models/history")) == "/v1/models/history")
        #expect(pattern(Self.router().match(.get, path: "/v1/models/m-1")) == "/v1/models/{id}")
    }

    @Test func literalDeadEndFallsBackToParameter() {
        #expect(pattern(Self.router().match(.post, path: "/v1/models/history/promote")) == "/v1/models/{id}/promote")
    }

    @Test func unknownPathIsNotFound() {
        guard case .notFound = Self.router().match(.get, path: "/v2/nothing") else { Issue.record("found"); return }
    }

    @Test func knownPathWithOtherMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allow) = Self.router().match(.delete, path: "/v1/models/history") else {
            Issue.record("not 405"); return
        }
        #expect(allow == "GET, HEAD, OPTIONS")
    }

    @Test func headIsServedByGetRoute() {
        #expect(pattern(Self.router().match(.head, path: "/v1/models/x")) == "/v1/models/{id}")
    }

    @Test func rootPathMatches() {
        #expect(pattern(Self.router().match(.get, path: "/")) == "/")
    }

    @Test func routesListsMethodAndPattern() {
        let routes = Self.router().routes
        #expect(routes.count == 5)
        #expect(routes.contains { $0.method == "POST" && $0.pattern == "/v1/models/{id}/promote" })
    }

    @Test func copiedRouterIsIndependent() {
        let base = Self.router()
        var copy = base
        copy.get("/extra") { _ in .text("x") }
        guard case .notFound = base.match(.get, path: "/extra") else { Issue.record("leaked"); return }
        #expect(pattern(copy.match(.get, path: "/extra")) == "/extra")
    }
}

@Suite struct QueryParametersTests {
    let query = QueryParameters(query: "limit=5&limit=7&name=a+b%21&bad=x&flag&ratio=0.5")

    @Test func decodesPlusAndPercent() {
        #expect(query["name"] == "a b!")
        #expect(query.all("limit") == ["5", "7"])
        #expect(query["flag"] == "")
    }

    @Test func intInRangeIsReturned() throws {
        #expect(try query.int("limit", default: 50, range: 1...1000) == 5)
        #expect(try query.int("absent", default: 50, range: 1...1000) == 50)
    }

    @Test func malformedIntNamesTheParameter() {
        #expect(throws: ParameterError(name: "bad", reason: "must be an integer")) {
            try query.int("bad", default: nil, range: 1...10)
        }
    }

    @Test func outOfRangeIntNamesTheParameter() {
        #expect(throws: ParameterError(name: "limit", reason: "must be between 10 and 20")) {
            try query.int("limit", range: 10...20)
        }
    }

    @Test func stringOutsideAllowedSetIsRejected() throws {
        #expect(throws: ParameterError.self) { try query.string("name", allowed: ["x", "y"]) }
        #expect(try query.double("ratio", range: 0...1) == 0.5)
    }

    @Test func customParserReportsExpectedFormat() {
        do {
            _ = try query.parse("bad", { Int($0) }, expected: "an RFC 3339 timestamp")
            Issue.record("did not throw")
        } catch {
            #expect(error.detail == "Parameter 'bad' must be an RFC 3339 timestamp.")
            #expect(error.invalidParameters == [InvalidParameter(name: "bad", location: "query",
                                                                 reason: "must be an RFC 3339 timestamp")])
        }
    }

    @Test func problemJSONNamesTheParameter() {
        let json = String(decoding: Problem(ParameterError(name: "limit", reason: "must be an integer"))
            .json(instance: "/v1/x?limit=a", requestID: "r1"), as: UTF8.self)
        #expect(json == #"{"type":"urn:sentinel:problem:invalid-parameter","title":"Invalid parameter","status":400,"detail":"Parameter 'limit' must be an integer.","instance":"/v1/x?limit=a","request_id":"r1","errors":[{"name":"limit","in":"query","reason":"must be an integer"}]}"#)
    }
}
