import API
import Domain
import Foundation
import HTTPServer
import SentinelTesting
import Testing

/// `/v1/events` over a real socket.
@Suite struct EventStreamTests {
    @Test func aConnectedClientReceivesPublishedEventsAsServerSentEvents() throws {
        let env = try EventServer()
        let reader = try env.connect()
        #expect(env.waitForSubscribers(1))
        let run = EventFixtures.run(1, ids: env.ids)
        env.bus.publish(.runStarted(run))
        let frames = reader.frames(count: 1)
        #expect(reader.status == 200)
        #expect(reader.head.lowercased().contains("content-type: text/event-stream"))
        let frame = try #require(frames.first)
        #expect(frame.event == "run.started")
        #expect(frame.id?.count == 26)
        #expect((frame.json["run"] as? [String: Any])?["id"] as? String == run.id.string)
    }

    @Test func lastEventIDResumesWithWhatWasMissedThenLiveEvents() throws {
        let env = try EventServer()
        for i in 0..<5 { env.bus.publish(.runStarted(EventFixtures.run(i, ids: env.ids))) }
        let first = try #require(try env.log.events(after: nil, limit: 1).first)
        let reader = try env.connect(headers: [("Last-Event-ID", first.id.string)])
        let replayed = reader.frames(count: 4)
        #expect(replayed.count == 4)
        #expect(env.waitForSubscribers(1))
        env.bus.publish(.runFinished(EventFixtures.run(9, ids: env.ids)))
        let live = reader.frames(count: 1)
        let all = try env.log.events(after: first.id, limit: 100).map(\.id.string)
        #expect((replayed + live).compactMap(\.id) == all)
        #expect(live.first?.event == "run.finished")
    }

    @Test func theLastEventIDQueryParameterWorksLikeTheHeader() throws {
        let env = try EventServer()
        for i in 0..<3 { env.bus.publish(.runStarted(EventFixtures.run(i, ids: env.ids))) }
        let first = try #require(try env.log.events(after: nil, limit: 1).first)
        let reader = try env.connect("/v1/events?last_event_id=\(first.id)")
        #expect(reader.frames(count: 2).count == 2)
    }

    @Test func theTypesFilterKeepsOnlyTheListedEvents() throws {
        let env = try EventServer()
        let reader = try env.connect("/v1/events?types=alert.raised,model.promoted")
        #expect(env.waitForSubscribers(1))
        env.bus.publish(.runStarted(EventFixtures.run(1, ids: env.ids)))
        env.bus.publish(.alertRaised(EventFixtures.alert(ids: env.ids)))
        let frames = reader.frames(count: 1) + reader.drain(for: 0.2)
        #expect(frames.map(\.event) == ["alert.raised"])
    }

    @Test func anUnknownEventTypeIsAProblemNamingTypes() throws {
        let env = try EventServer()
        let client = try RawHTTPClient(port: env.server.port)
        client.send("GET /v1/events?types=run.started,bogus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("\"types\""))
        #expect(env.bus.subscriberCount == 0)
    }

    @Test func aMalformedLastEventIDIsAProblem() throws {
        let env = try EventServer()
        let client = try RawHTTPClient(port: env.server.port)
        client.send("GET /v1/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: nope\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("Last-Event-ID"))
    }

    @Test func heartbeatsArriveOnTheConfiguredInterval() throws {
        let env = try EventServer(configuration: EventBusConfiguration(heartbeatInterval: 0.1))
        env.bus.start()
        let reader = try env.connect()
        _ = reader.drain(for: 0.5)
        #expect(reader.comments.filter { $0 == ": keep-alive" }.count >= 2)
    }

    @Test func aClientThatDisconnectsIsRemoved() throws {
        let env = try EventServer()
        var reader: SSEReader? = try env.connect()
        #expect(env.waitForSubscribers(1))
        _ = reader?.frames(count: 0)
        reader = nil
        // The server notices on its next write or read.
        for i in 0..<3 { env.bus.publish(.runStarted(EventFixtures.run(i, ids: env.ids))); Thread.sleep(forTimeInterval: 0.05) }
        #expect(env.waitForSubscribers(0))
    }
}
