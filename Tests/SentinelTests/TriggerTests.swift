import Foundation
import SentinelTesting
import Testing

/// Pipeline triggers over POST: auth, idempotency, validation.
@Suite struct TriggerTests {
    let body = Array(#"{"asset":"bitcoin"}"#.utf8)

    @Test func writesNeedAWriteKeyWhenKeysAreConfigured() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler", "--api-key", "w-secret", "--read-key", "r-secret"])
        let none = try server.request("POST", "/v1/pipelines/feature/runs", body: body)
        #expect(none.status == 401)
        #expect(none.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let wrong = try server.request("POST", "/v1/pipelines/feature/runs", headers: [("Authorization", "Bearer nope")], body: body)
        #expect(wrong.status == 401)
        let read = try server.request("POST", "/v1/pipelines/feature/runs", headers: [("Authorization", "Bearer r-secret")], body: body)
        #expect(read.status == 403)
        let write = try server.request("POST", "/v1/pipelines/feature/runs", headers: [("Authorization", "Bearer w-secret")], body: body)
        #expect(write.status == 202)
        let id = try #require(write.json["id"] as? String)
        #expect(write.header("Location") == "/v1/runs/\(id)")
        #expect(try server.request("GET", "/v1/runs/\(id)").status == 200, "reads need no key")
    }

    @Test func aRetriedPostWithTheSameIdempotencyKeyReturnsTheSameRun() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        let first = try server.request("POST", "/v1/pipelines/training/runs", headers: [("Idempotency-Key", "k-1")], body: body)
        let again = try server.request("POST", "/v1/pipelines/training/runs", headers: [("Idempotency-Key", "k-1")], body: body)
        #expect(first.status == 202)
        #expect(again.status == 202)
        #expect(first.json["id"] as? String == again.json["id"] as? String)
        let other = try server.request("POST", "/v1/pipelines/training/runs", headers: [("Idempotency-Key", "k-1")],
                                       body: Array(#"{"asset":"ethereum"}"#.utf8))
        #expect(other.status == 422)
    }

    @Test func badTriggersNameTheirField() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        let pipeline = try server.request("POST", "/v1/pipelines/teleport/runs", body: body)
        #expect(pipeline.status == 400)
        #expect(pipeline.problemFields == ["pipeline"])
        let asset = try server.request("POST", "/v1/pipelines/feature/runs", body: Array(#"{"asset":"dogecoin"}"#.utf8))
        #expect(asset.status == 400)
        #expect(asset.problemFields == ["asset"])
        let garbage = try server.request("POST", "/v1/pipelines/feature/runs", body: Array("{not json".utf8))
        #expect(garbage.status == 400)
        let unknownRun = try server.request("GET", "/v1/runs/01JH1S8ZDQQ3XD0DSJ1RX3YEXQ")
        #expect(unknownRun.status == 404)
        let badRun = try server.request("GET", "/v1/runs/42")
        #expect(badRun.status == 400)
    }

    @Test func triggersBeyondTheRateLimitGet429WithRetryAfter() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler", "--trigger-limit", "10"])
        var statuses: [Int] = []
        for i in 0..<15 {
            statuses.append(try server.request("POST", "/v1/pipelines/feature/runs",
                                               headers: [("Idempotency-Key", "rl-\(i)")], body: body).status)
        }
        #expect(statuses.prefix(10).allSatisfy { $0 == 202 })
        #expect(statuses.contains(429))
        let limited = try server.request("POST", "/v1/pipelines/feature/runs", body: body)
        #expect(limited.status == 429)
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
    }
}
