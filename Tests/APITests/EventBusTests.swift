@testable import API
import Domain
import Foundation
@testable import HTTPServer
import Logging
import Storage
import Testing

@Suite struct EventBusTests {
    let clock = ManualWallClock(EventFixtures.start)

    func bus(_ log: any EventLog, _ configuration: EventBusConfiguration = EventBusConfiguration()) -> EventBus {
        EventBus(log: log, ids: ULIDGenerator(clock: clock, seed: 1), clock: clock, configuration: configuration,
                 logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func everyPublishedEventIsStoredWithIncreasingIdsAndItsJSONPayload() throws {
        let store = try SQLiteStore.temporary()
        let bus = bus(store)
        let ids = ULIDGenerator(clock: clock, seed: 2)
        let run = EventFixtures.run(1, ids: ids)
        bus.publish(.runStarted(run))
        bus.publish(.alertRaised(EventFixtures.alert(ids: ids)))
        bus.publish(.runFinished(run))
        let stored = try store.events(after: nil, limit: 10)
        #expect(stored.map(\.type) == ["run.started", "alert.raised", "run.finished"])
        #expect(stored.map(\.id) == stored.map(\.id).sorted())
        #expect(Set(stored.map(\.id)).count == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stored[0].payload)) as? [String: Any])
        #expect(json["asset"] as? String == "bitcoin")
        #expect((json["run"] as? [String: Any])?["id"] as? String == run.id.string)
        #expect((json["run"] as? [String: Any])?["status"] as? String == "running")
    }

    @Test func newIdsSortAfterTheNewestStoredEventEvenWhenTheClockIsBehindIt() throws {
        let log = MemoryEventLog()
        let later = ManualWallClock(EventFixtures.start + .hours(1))
        let first = EventBus(log: log, ids: ULIDGenerator(clock: later, seed: 1), clock: later, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        first.publish(.alertRaised(EventFixtures.alert(ids: ULIDGenerator(clock: later, seed: 3))))
        // A restarted process whose clock stands an hour earlier.
        let second = bus(log)
        second.publish(.alertRaised(EventFixtures.alert(ids: ULIDGenerator(clock: clock, seed: 4))))
        let ids = log.all.map(\.id)
        #expect(ids.count == 2)
        #expect(ids[1] > ids[0])
    }

    @Test func framesFollowTheServerSentEventsFormat() {
        let id = ULIDGenerator(clock: clock, seed: 5).next()
        let frame = String(decoding: EventBus.frame(id: id, type: "run.finished", payload: Array("{\"a\":1}".utf8)), as: UTF8.self)
        #expect(frame == "id: \(id)\nevent: run.finished\ndata: {\"a\":1}\n\n")
    }

    @Test func aSlowSubscriberIsDroppedWhileOthersKeepReceiving() throws {
        let bus = bus(MemoryEventLog(), EventBusConfiguration(subscriberBufferLimit: 1 << 30))
        let slow = ResponseStream(bufferLimit: 4096)
        let healthy = ResponseStream(bufferLimit: 1 << 30)
        bus.subscribe(slow, types: nil, lastEventID: nil)
        bus.subscribe(healthy, types: nil, lastEventID: nil)
        let ids = ULIDGenerator(clock: clock, seed: 6)
        for i in 0..<200 { bus.publish(.runStarted(EventFixtures.run(i, ids: ids))) }
        #expect(slow.isClosed)
        #expect(!healthy.isClosed)
        #expect(bus.subscriberCount == 1)
        let text = String(decoding: healthy.take().bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "event: run.started").count - 1 == 200)
    }

    @Test func thousandsOfSubscribersNeedNoThreadEachAndDoNotSlowPublishing() throws {
        let bus = bus(MemoryEventLog())
        let threadsBefore = Self.threadCount()
        let streams = (0..<3000).map { _ in ResponseStream(bufferLimit: 1 << 20) }
        for s in streams { bus.subscribe(s, types: nil, lastEventID: nil) }
        #expect(bus.subscriberCount == 3000)
        #expect(Self.threadCount() <= threadsBefore + 2)
        let ids = ULIDGenerator(clock: clock, seed: 8)
        let started = Date()
        for i in 0..<20 { bus.publish(.runFinished(EventFixtures.run(i, ids: ids))) }
        let perEvent = Date().timeIntervalSince(started) / 20
        #expect(perEvent < 0.1, "publishing to 3000 subscribers took \(perEvent) s per event")
        #expect(streams.allSatisfy { !$0.isClosed })
    }

    @Test func aSubscriberFilteredByTypeGetsOnlyThoseTypes() {
        let bus = bus(MemoryEventLog())
        let stream = ResponseStream(bufferLimit: 1 << 20)
        bus.subscribe(stream, types: ["alert.raised"], lastEventID: nil)
        let ids = ULIDGenerator(clock: clock, seed: 9)
        bus.publish(.runStarted(EventFixtures.run(1, ids: ids)))
        bus.publish(.alertRaised(EventFixtures.alert(ids: ids)))
        let text = String(decoding: stream.take().bytes, as: UTF8.self)
        #expect(text.contains("event: alert.raised"))
        #expect(!text.contains("event: run.started"))
    }

    @Test func replayThenLiveHasNoGapAndNoDuplicateUnderConcurrentPublishing() throws {
        let log = MemoryEventLog()
        let bus = bus(log)
        let ids = ULIDGenerator(clock: clock, seed: 10)
        for i in 0..<50 { bus.publish(.runStarted(EventFixtures.run(i, ids: ids))) }
        let resumeFrom = log.all[9].id
        let publisher = Thread {
            for i in 50..<1050 { bus.publish(.runStarted(EventFixtures.run(i, ids: ids))) }
        }
        publisher.start()
        Thread.sleep(forTimeInterval: 0.002)
        let stream = ResponseStream(bufferLimit: 1 << 30)
        bus.subscribe(stream, types: nil, lastEventID: resumeFrom)
        while log.all.count < 1050 { Thread.sleep(forTimeInterval: 0.005) }
        let text = String(decoding: stream.take().bytes, as: UTF8.self)
        let received = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
        let expected = log.all.map(\.id.string).filter { $0 > resumeFrom.string }
        #expect(received == expected)
    }

    @Test func aLongReplayEndsTheStreamAfterWholeEventsSoTheClientResumes() {
        let log = MemoryEventLog()
        let bus = bus(log, EventBusConfiguration(replayByteBudget: 4096))
        let ids = ULIDGenerator(clock: clock, seed: 12)
        for i in 0..<100 { bus.publish(.runStarted(EventFixtures.run(i, ids: ids))) }
        let stream = ResponseStream(bufferLimit: 1 << 20)
        let subscriber = bus.subscribe(stream, types: nil, lastEventID: log.all[0].id)
        #expect(subscriber == nil)
        #expect(bus.subscriberCount == 0)
        let text = String(decoding: stream.take().bytes, as: UTF8.self)
        #expect(text.hasSuffix("\n\n"))
        let got = text.components(separatedBy: "event: run.started").count - 1
        #expect(got > 0 && got < 99)
    }

    @Test func pruningDeletesEventsOlderThanTheRetention() throws {
        let log = MemoryEventLog()
        let bus = bus(log, EventBusConfiguration(retention: .days(7)))
        let ids = ULIDGenerator(clock: clock, seed: 13)
        bus.publish(.runStarted(EventFixtures.run(1, ids: ids)))
        clock.advance(by: .days(8))
        bus.publish(.runStarted(EventFixtures.run(2, ids: ids)))
        #expect(bus.prune() == 1)
        #expect(log.all.count == 1)
    }

    @Test func heartbeatsReachEverySubscriberAsComments() {
        let bus = bus(MemoryEventLog())
        let stream = ResponseStream(bufferLimit: 1 << 20)
        bus.subscribe(stream, types: nil, lastEventID: nil)
        bus.heartbeat()
        #expect(String(decoding: stream.take().bytes, as: UTF8.self) == ": keep-alive\n\n")
    }

    static func threadCount() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return line.flatMap { Int($0.dropFirst(8).filter { !$0.isWhitespace }) } ?? 0
    }
}

/// What each event's `data:` carries.
@Suite struct EventPayloadTests {
    let clock = ManualWallClock(EventFixtures.start)

    func object(_ event: DomainEvent) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(EventPayload.json(event))) as? [String: Any])
    }

    @Test func aPredictionEventCarriesTheAssetAndThePrediction() throws {
        let ids = ULIDGenerator(clock: clock, seed: 20)
        let p = Prediction(id: ids.next(), asset: AssetID("bitcoin"), modelID: ids.next(), modelFamily: .ridge, shadow: false,
                           featureSet: "v1", featuresSHA256: "ab", madeAt: EventFixtures.start,
                           barTime: EventFixtures.start - .minutes(5), targetTime: EventFixtures.start + .minutes(30),
                           price: 85_000, predictedReturn: 0.001, predictedPrice: 85_085, direction: .up, confidence: 0.6,
                           regime: "trend", modelSkill: -0.05, validation: .pending)
        let json = try object(.predictionCreated(p))
        #expect(json["asset"] as? String == "bitcoin")
        let prediction = try #require(json["prediction"] as? [String: Any])
        #expect(prediction["id"] as? String == p.id.string)
        #expect(prediction["horizon_minutes"] as? Int == 30)
        #expect((prediction["validation"] as? [String: Any])?["status"] as? String == "pending")
    }

    @Test func aProductionChangeEventCarriesTheChange() throws {
        let ids = ULIDGenerator(clock: clock, seed: 21)
        let change = ProductionChange(id: ids.next(), asset: AssetID("ethereum"), from: ids.next(), to: ids.next(),
                                      at: EventFixtures.start, reason: .rollback, detail: "worse than persistence")
        let json = try object(.modelRolledBack(change))
        #expect(json["asset"] as? String == "ethereum")
        #expect((json["change"] as? [String: Any])?["to"] != nil)
        #expect(DomainEvent.modelRolledBack(change).name == "model.rolled_back")
    }

    @Test func runObserversPublishRunStartedAndFinished() throws {
        let log = MemoryEventLog()
        let bus = EventBus(log: log, ids: ULIDGenerator(clock: clock, seed: 22), clock: clock,
                           logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        let observer = RunEventPublisher(events: bus)
        let run = EventFixtures.run(1, ids: ULIDGenerator(clock: clock, seed: 23))
        observer.runStarted(run)
        observer.runFinished(run)
        #expect(log.all.map(\.type) == ["run.started", "run.finished"])
    }
}

/// A started bus stores on its own thread: publishers never wait for a slow store.
@Suite struct EventBusWriterTests {
    final class SlowLog: EventLog {
        let inner = MemoryEventLog()
        func append(_ event: StoredEvent) throws { Thread.sleep(forTimeInterval: 0.02); try inner.append(event) }
        func events(after: ULID?, limit: Int) throws -> [StoredEvent] { try inner.events(after: after, limit: limit) }
        func pruneEvents(before: Timestamp) throws -> Int { try inner.pruneEvents(before: before) }
    }

    @Test func replayThenLiveHasNoGapAndNoDuplicateWhileTheWriterThreadPublishes() throws {
        let clock = ManualWallClock(EventFixtures.start)
        let log = MemoryEventLog()
        let bus = EventBus(log: log, ids: ULIDGenerator(clock: clock, seed: 32), clock: clock,
                           logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        bus.start()
        defer { bus.stop() }
        let ids = ULIDGenerator(clock: clock, seed: 33)
        for i in 0..<50 { bus.publish(.runStarted(EventFixtures.run(i, ids: ids))) }
        #expect(bus.flush())
        let resumeFrom = log.all[9].id
        let publisher = Thread {
            for i in 50..<1050 { bus.publish(.runStarted(EventFixtures.run(i, ids: ids))) }
        }
        publisher.start()
        Thread.sleep(forTimeInterval: 0.002)
        let stream = ResponseStream(bufferLimit: 1 << 30)
        bus.subscribe(stream, types: nil, lastEventID: resumeFrom)
        while log.all.count < 1050 { Thread.sleep(forTimeInterval: 0.005) }
        #expect(bus.flush())
        let text = String(decoding: stream.take().bytes, as: UTF8.self)
        let received = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
        #expect(received == log.all.map(\.id.string).filter { $0 > resumeFrom.string })
    }

    @Test func publishingOnAStartedBusDoesNotWaitForTheStoreAndKeepsOrder() throws {
        let clock = ManualWallClock(EventFixtures.start)
        let log = SlowLog()
        let bus = EventBus(log: log, ids: ULIDGenerator(clock: clock, seed: 30), clock: clock,
                           logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        bus.start()
        defer { bus.stop() }
        let stream = ResponseStream(bufferLimit: 1 << 20)
        bus.subscribe(stream, types: nil, lastEventID: nil)
        let ids = ULIDGenerator(clock: clock, seed: 31)
        let runs = (0..<20).map { EventFixtures.run($0, ids: ids) }
        let started = Date()
        for r in runs { bus.publish(.runStarted(r)) }
        #expect(Date().timeIntervalSince(started) < 0.2, "20 publishes against a 20 ms store must not take 0.4 s")
        #expect(bus.flush())
        #expect(log.inner.all.count == 20)
        #expect(log.inner.all.map(\.id) == log.inner.all.map(\.id).sorted())
        let text = String(decoding: stream.take().bytes, as: UTF8.self)
        let order = runs.map(\.id.string).compactMap { text.range(of: $0)?.lowerBound }
        #expect(order.count == 20 && order == order.sorted())
    }
}
