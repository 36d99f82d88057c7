import Domain
import Foundation
import Logging
import Pipelines
import Storage
import Testing

@Suite struct WebhookDeliveryTests {
    static let secret = Array("whsec-test".utf8)
    static let logger = Logger(label: "webhook-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    struct Setup {
        let store: SQLiteStore
        let dispatcher: WebhookDispatcher
        let alert: Alert
    }

    static func setup(_ receiver: WebhookReceiver, format: WebhookFormat = .generic,
                      policy: WebhookDeliveryPolicy = WebhookDeliveryPolicy(attempts: 4, initialBackoff: Milliseconds(10),
                                                                            timeout: Milliseconds(2000))) throws -> Setup {
        let store = try SQLiteStore.temporary()
        let clock = SystemWallClock()
        let ids = ULIDGenerator(clock: clock)
        let dispatcher = WebhookDispatcher(endpoints: [WebhookEndpoint(url: receiver.url, format: format)], secret: secret,
                                           transport: LibcurlTestTransport(), deliveries: store, clock: clock, ids: ids,
                                           policy: policy, logger: logger)
        let alert = Alert(id: ids.next(), asset: AssetID("bitcoin"), kind: .priceChange, severity: .high,
                          message: "24 h price change +11.00 % beyond ±10.00 %", value: 0.11, threshold: 0.1,
                          raisedAt: clock.now())
        _ = try store.raise(alert)
        return Setup(store: store, dispatcher: dispatcher, alert: alert)
    }

    @Test func receiverVerifiesTheSignatureOfAGenericDelivery() throws {
        let receiver = try WebhookReceiver { _ in 200 }
        defer { receiver.stop() }
        let s = try Self.setup(receiver)
        defer { s.dispatcher.stop() }
        #expect(s.dispatcher.enqueue(s.alert))
        #expect(s.dispatcher.waitUntilIdle(timeout: .seconds(30)))
        let got = try #require(receiver.received.first)
        let timestamp = try #require(got.headers["x-sentinel-timestamp"])
        let signature = try #require(got.headers["x-sentinel-signature"])
        #expect(WebhookMessage.verify(secret: Self.secret, timestamp: timestamp, body: got.body, signatureHeader: signature))
        #expect(!WebhookMessage.verify(secret: Array("wrong".utf8), timestamp: timestamp, body: got.body, signatureHeader: signature))
        #expect(!WebhookMessage.verify(secret: Self.secret, timestamp: timestamp, body: got.body + [32], signatureHeader: signature))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(got.body)) as? [String: Any])
        #expect(json["id"] as? String == s.alert.id.string)
        #expect(json["kind"] as? String == "price_change" && json["severity"] as? String == "high")
        #expect(abs((Double(timestamp) ?? 0) - Date().timeIntervalSince1970) < 60)
        let log = try s.store.deliveries(alertID: s.alert.id)
        #expect(log.map(\.status) == [200] && log.map(\.attempt) == [1])
    }

    @Test(arguments: [(WebhookFormat.slack, "text"), (.discord, "content")])
    func chatFormatsCarryOneLine(format: WebhookFormat, field: String) throws {
        let receiver = try WebhookReceiver { _ in 204 }
        defer { receiver.stop() }
        let s = try Self.setup(receiver, format: format)
        defer { s.dispatcher.stop() }
        s.dispatcher.enqueue(s.alert)
        #expect(s.dispatcher.waitUntilIdle(timeout: .seconds(30)))
        let got = try #require(receiver.received.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(got.body)) as? [String: String])
        #expect(json.keys.sorted() == [field])
        #expect(json[field]?.hasPrefix("[HIGH] bitcoin price_change: 24 h price change +11.00 %") == true)
    }

    @Test func aReceiverThatFailsTwiceGetsAThirdAttempt() throws {
        let receiver = try WebhookReceiver { n in n <= 2 ? 503 : 200 }
        defer { receiver.stop() }
        let s = try Self.setup(receiver)
        defer { s.dispatcher.stop() }
        s.dispatcher.enqueue(s.alert)
        #expect(s.dispatcher.waitUntilIdle(timeout: .seconds(30)))
        let log = try s.store.deliveries(alertID: s.alert.id)
        #expect(log.map(\.attempt) == [1, 2, 3])
        #expect(log.map(\.status) == [503, 503, 200])
        #expect(receiver.received.count == 3)
    }

    @Test func aClientErrorIsNotRetried() throws {
        let receiver = try WebhookReceiver { _ in 400 }
        defer { receiver.stop() }
        let s = try Self.setup(receiver)
        defer { s.dispatcher.stop() }
        s.dispatcher.enqueue(s.alert)
        #expect(s.dispatcher.waitUntilIdle(timeout: .seconds(30)))
        #expect(try s.store.deliveries(alertID: s.alert.id).map(\.status) == [400])
    }

    @Test func aReceiverThatNeverAnswersIsBoundedByTheTimeoutAndDoesNotBlockTheCaller() throws {
        let receiver = try WebhookReceiver { _ in nil }
        defer { receiver.stop() }
        let s = try Self.setup(receiver, policy: WebhookDeliveryPolicy(attempts: 2, initialBackoff: Milliseconds(10),
                                                                      timeout: Milliseconds(300)))
        defer { s.dispatcher.stop() }
        let start = Date()
        s.dispatcher.enqueue(s.alert)
        #expect(Date().timeIntervalSince(start) < 0.1)
        #expect(s.dispatcher.waitUntilIdle(timeout: .seconds(30)))
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.6 && elapsed < 3)
        let log = try s.store.deliveries(alertID: s.alert.id)
        #expect(log.map(\.attempt) == [1, 2])
        #expect(log.allSatisfy { $0.status == nil && ($0.error ?? "").hasPrefix("timeout") })
    }

    @Test func backoffDoublesUpToItsCap() {
        let p = WebhookDeliveryPolicy(attempts: 6, initialBackoff: .seconds(1), maxBackoff: .seconds(5))
        #expect((1...5).map { p.backoff(after: $0).value } == [1000, 2000, 4000, 5000, 5000])
    }

    @Test func aFullQueueDropsAndLogsTheAlert() throws {
        let receiver = try WebhookReceiver { _ in nil }
        defer { receiver.stop() }
        let s = try Self.setup(receiver, policy: WebhookDeliveryPolicy(attempts: 1, timeout: Milliseconds(500), queueCapacity: 1))
        defer { s.dispatcher.stop() }
        var second = s.alert
        second.id = ULID("01JRQ7Z4X8M0B6AAAAAAAAAAAA") ?? s.alert.id
        var third = s.alert
        third.id = ULID("01JRQ7Z4X8M0B6BBBBBBBBBBBB") ?? s.alert.id
        for (a, kind) in [(second, AlertKind.drift), (third, .staleData)] { _ = try s.store.raise(Alert(id: a.id, asset: nil, kind: kind, severity: .info, message: "x",
                                                               value: nil, threshold: nil, raisedAt: a.raisedAt)) }
        s.dispatcher.enqueue(s.alert)
        usleep(100_000) // the first is in flight, the second waits, the third finds the queue full
        #expect(s.dispatcher.enqueue(second))
        #expect(!s.dispatcher.enqueue(third))
        #expect(try s.store.deliveries(alertID: third.id).first?.error?.hasPrefix("dropped") == true)
    }
}
