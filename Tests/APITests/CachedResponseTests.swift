import API
import Dispatch
import Domain
import HTTPServer
import SentinelTesting
import Synchronization
import Testing

/// The per-process and per-millisecond response caches behind `/v1`, `/predictions/latest`
/// and the prediction pages.
@Suite struct CachedResponseTests {
    static func document(_ clock: ManualWallClock) -> TimestampedDocument {
        TimestampedDocument(clock: clock) { w, now in
            w.beginObject()
            w.field("name", "sentinel")
            w.key("clock"); w.beginObject(); w.key("now"); now(&w); w.field("virtual", false); w.endObject()
            w.field("tail", 1)
            w.endObject()
        }
    }

    static func body(_ response: HTTPResponse) -> String {
        String(decoding: response.body.knownBytes ?? [], as: UTF8.self)
    }

    @Test func aTimestampedDocumentFillsInTheClockAndKeepsOneETag() {
        let clock = ManualWallClock(Timestamp(milliseconds: 1_800_000_000_000))
        let document = Self.document(clock)
        let first = document.respond(HTTPRequest(method: .get, target: "/v1"))
        #expect(Self.body(first) == #"{"name":"sentinel","clock":{"now":"2027-01-15T08:00:00Z","virtual":false},"tail":1}"#)
        #expect(first.headers["Content-Type"] == "application/json")
        clock.advance(by: Milliseconds(1500))
        let second = document.respond(HTTPRequest(method: .get, target: "/v1"))
        #expect(Self.body(second).contains(#""now":"2027-01-15T08:00:01.5"#))
        #expect(first.headers["ETag"] == second.headers["ETag"])
        #expect(first.headers["ETag"] == document.etag)
    }

    @Test func aTimestampedDocumentAnswers304ToItsETag() {
        let document = Self.document(ManualWallClock(Timestamp(milliseconds: 0)))
        let response = document.respond(HTTPRequest(method: .get, target: "/v1", headers: ["If-None-Match": document.etag]))
        #expect(response.status == 304)
        #expect(Self.body(response).isEmpty)
    }

    @Test func aMillisecondCacheRendersOncePerMillisecondAndVersion() {
        let cache = MillisecondResponseCache()
        var renders = 0
        func get(_ ms: Int64, _ version: String) -> HTTPResponse {
            cache.response(key: "bitcoin", version: version, now: Timestamp(milliseconds: ms)) {
                renders += 1
                return .text("\(ms) \(version)")
            }
        }
        _ = get(5, "a"); _ = get(5, "a")
        #expect(renders == 1)
        #expect(Self.body(get(6, "a")) == "6 a")
        #expect(Self.body(get(6, "b")) == "6 b")
        #expect(renders == 3)
    }

    @Test func aPageCacheHitNeedsNoRenderAndIsScopedToTheExactTarget() throws {
        let cache = ResponseCache(maxAge: 60)
        let request = HTTPRequest(method: .get, target: "/v1/assets/bitcoin/predictions?limit=50")
        #expect(cache.cached(request, scope: "p:bitcoin") == nil)
        var w = JSONWriter()
        w.beginObject(); w.field("items", 1); w.endObject()
        let rendered = try cache.respond(request, scope: "p:bitcoin") { w }
        let hit = try #require(cache.cached(request, scope: "p:bitcoin"))
        #expect(Self.body(hit) == Self.body(rendered))
        #expect(hit.headers["ETag"] == rendered.headers["ETag"])
        #expect(cache.cached(HTTPRequest(method: .get, target: "/v1/assets/bitcoin/predictions?limit=51"),
                             scope: "p:bitcoin") == nil)
        cache.invalidate(scope: "p:bitcoin")
        #expect(cache.cached(request, scope: "p:bitcoin") == nil)
    }

    @Test func clientsMissingTheSamePageAtOnceShareOneRender() async throws {
        let cache = ResponseCache(maxAge: 60)
        let renders = Mutex(0)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let request = HTTPRequest(method: .get, target: "/v1/assets/bitcoin/predictions?limit=50")
        let render: @Sendable () throws -> JSONWriter = {
            if renders.withLock({ $0 += 1; return $0 }) == 1 {
                started.signal()
                release.wait()   // hold the first render until every other client has missed
            }
            var w = JSONWriter()
            w.beginObject(); w.field("items", 1); w.endObject()
            return w
        }
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await onOwnedThread { Self.body(try cache.respond(request, scope: "p", render: render)) } }
            _ = try await onOwnedThread { started.wait() }
            for _ in 0..<8 {
                group.addTask { try await onOwnedThread { Self.body(try cache.respond(request, scope: "p", render: render)) } }
            }
            try await Task.sleep(for: .milliseconds(100))
            release.signal()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(renders.withLock { $0 } == 1)
        #expect(Set(bodies) == [#"{"items":1}"#])
        #expect(bodies.count == 9)
    }

    @Test func aFailedRenderLetsTheWaitingClientsRenderThemselves() throws {
        let cache = ResponseCache(maxAge: 60)
        let request = HTTPRequest(method: .get, target: "/v1/assets/bitcoin/predictions?cursor=bad")
        struct Refused: Error {}
        #expect(throws: Refused.self) { try cache.respond(request, scope: "p") { throw Refused() } }
        #expect(cache.cached(request, scope: "p") == nil)
        var w = JSONWriter()
        w.beginObject(); w.field("items", 2); w.endObject()
        #expect(Self.body(try cache.respond(request, scope: "p") { w }) == #"{"items":2}"#)
    }
}
