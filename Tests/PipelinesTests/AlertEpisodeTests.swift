import Domain
import Foundation
import Logging
import Pipelines
import Storage
import Testing

@Suite struct AlertEpisodeTests {
    @Test func aConditionThatKeepsHoldingIsRaisedOnce() throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 106)
        let first = try h.evaluate()
        h.clock.advance(by: .minutes(1))
        let second = try h.evaluate()
        #expect(first.raised.filter { $0.kind == .priceChange }.count == 1)
        #expect(second.raised.isEmpty)
        #expect(second.ongoing.contains(.priceChange))
        let all = try h.store.alerts(asset: AlertHarness.asset, query: PageQuery()).items.filter { $0.kind == .priceChange }
        #expect(all.count == 1)
    }

    @Test func anEpisodeIsResolvedWhenTheConditionStops() throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 106)
        let raised = try #require(try h.evaluate().raised.first { $0.kind == .priceChange })
        try h.setLatest(101)
        h.clock.advance(by: .minutes(1))
        let outcome = try h.evaluate()
        #expect(outcome.resolved.map(\.id).contains(raised.id))
        #expect(try h.open(.priceChange) == nil)
        #expect(try h.store.alert(id: raised.id)?.resolvedAt == h.clock.now())
        // A new excursion is a new episode.
        try h.setLatest(106)
        #expect(try h.evaluate().raised.contains { $0.kind == .priceChange })
    }

    @Test func escalationToHighResolvesTheWarningAndRaisesAHighAlert() throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 106)
        let warning = try #require(try h.evaluate().raised.first { $0.kind == .priceChange })
        try h.setLatest(112)
        let outcome = try h.evaluate()
        let high = try #require(outcome.raised.first { $0.kind == .priceChange })
        #expect(high.severity == .high)
        #expect(outcome.resolved.map(\.id) == [warning.id])
        // Falling back to warning keeps the high episode open, without a new alert.
        try h.setLatest(106)
        let after = try h.evaluate()
        #expect(after.raised.isEmpty)
        #expect(try h.open(.priceChange)?.id == high.id)
    }

    @Test func missingDataLeavesAnOpenEpisodeAlone() throws {
        let h = try AlertHarness()
        try h.seedVolatility(0.9)
        let raised = try #require(try h.evaluate().raised.first { $0.kind == .volatility })
        // Another feature set's absence or a NaN volatility cannot say the condition stopped.
        try h.seedVolatility(.nan)
        let outcome = try h.evaluate()
        #expect(!outcome.resolved.contains { $0.id == raised.id })
        #expect(try h.open(.volatility)?.id == raised.id)
    }

    @Test func newlyRaisedAlertsAreHandedToWebhooksOnce() throws {
        let transport = RecordingTransport()
        let h = try AlertHarness { store, clock, ids in
            WebhookDispatcher(endpoints: [WebhookEndpoint(url: "http://127.0.0.1:9/hook", format: .generic)], secret: Array("s".utf8),
                              transport: transport, deliveries: store, clock: clock, ids: ids, logger: AlertHarness.logger)
        }
        try h.seedDay(latest: 106)
        try h.seedProductionModel(age: .minutes(1))
        let raised = try h.evaluate().raised
        #expect(raised.map(\.kind) == [.priceChange])
        _ = try h.evaluate()
        let run = try h.pipeline.run(RunContext(run: Run(id: h.ids.next(), pipeline: .alerts, asset: nil, trigger: .cli,
                                                         requestedAt: h.clock.now()),
                                                assets: [AlertHarness.asset], logger: AlertHarness.logger))
        #expect(run["assets"]?["bitcoin"]?["ongoing"] != nil)
        let deadline = Date().addingTimeInterval(5)
        while transport.received.isEmpty && Date() < deadline { usleep(5_000) }
        usleep(50_000)
        #expect(transport.received.count == 1)
        let body = String(decoding: transport.received.first?.body ?? [], as: UTF8.self)
        #expect(body.contains("\"kind\":\"price_change\"") && body.contains(raised[0].id.string))
    }
}
