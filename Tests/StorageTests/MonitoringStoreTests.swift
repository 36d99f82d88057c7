import Foundation
import Testing
import Domain
@testable import Storage

@Suite("Alerts, webhooks, drift reports and the event log")
struct MonitoringStoreTests {
    static func alert(_ id: ULID, kind: AlertKind = .priceChange, severity: AlertSeverity = .warning, at: Timestamp = TestData.t0) -> Alert {
        Alert(id: id, asset: TestData.btc, kind: kind, severity: severity, message: "BTC moved 6 % in 24 h",
              value: 0.06, threshold: 0.05, raisedAt: at)
    }

    @Test("an alert is stored once per episode; after it resolves a new one can be raised")
    func episodes() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let first = Self.alert(ids.next())
        #expect(try store.raise(first) == (first, true))
        let repeated = try store.raise(Self.alert(ids.next(), at: TestData.t0 + .minutes(5)))
        #expect(repeated.alert == first && !repeated.raised)
        #expect(try store.openAlert(asset: TestData.btc, kind: .priceChange) == first)
        #expect(try store.openAlert(asset: TestData.btc, kind: .drawdown) == nil)
        let resolved = try store.resolve(id: first.id, at: TestData.t0 + .minutes(10))
        #expect(resolved?.resolvedAt == TestData.t0 + .minutes(10))
        #expect(try store.resolve(id: first.id, at: TestData.t0 + .hours(1))?.resolvedAt == TestData.t0 + .minutes(10))
        #expect(try store.openAlert(asset: TestData.btc, kind: .priceChange) == nil)
        let next = try store.raise(Self.alert(ids.next(), severity: .high, at: TestData.t0 + .minutes(15)))
        #expect(next.raised)
        _ = try store.raise(Self.alert(ids.next(), kind: .volatility, at: TestData.t0 + .minutes(20)))

        let page = try store.alerts(asset: TestData.btc, query: PageQuery(limit: 2))
        #expect(page.items.map(\.kind) == [.volatility, .priceChange] && page.nextCursor != nil)
        let rest = try store.alerts(asset: TestData.btc, query: PageQuery(limit: 2, cursor: page.nextCursor))
        #expect(rest.items.map(\.id) == [first.id] && rest.nextCursor == nil)
        let summary = try store.summary(since: nil)
        #expect(summary == [AlertCount(kind: .priceChange, severity: .warning, total: 1, open: 0),
                            AlertCount(kind: .priceChange, severity: .high, total: 1, open: 1),
                            AlertCount(kind: .volatility, severity: .warning, total: 1, open: 1)]
            .sorted { ($0.kind.rawValue, $0.severity.rawValue) < ($1.kind.rawValue, $1.severity.rawValue) })
    }

    @Test("webhook deliveries are logged per alert in order")
    func deliveries() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let a = Self.alert(ids.next())
        _ = try store.raise(a)
        let d1 = WebhookDelivery(id: ids.next(), alertID: a.id, url: "https://hooks.example/x", attempt: 1, status: 503, error: "unavailable", at: TestData.t0)
        let d2 = WebhookDelivery(id: ids.next(), alertID: a.id, url: "https://hooks.example/x", attempt: 2, status: 200, error: nil, at: TestData.t0 + .seconds(2))
        try store.append(d1)
        try store.append(d2)
        #expect(try store.deliveries(alertID: a.id) == [d1, d2])
        // A delivery for an alert that does not exist breaks the foreign key.
        let orphan = #expect(throws: StoreError.self) {
            try store.append(WebhookDelivery(id: ids.next(), alertID: ids.next(), url: "u", attempt: 1, status: nil, error: nil, at: TestData.t0))
        }
        #expect(orphan?.isConflict == true)
    }

    @Test("drift reports round-trip with their features and page newest first")
    func drift() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        var reports: [DriftReport] = []
        for i in 0..<3 {
            let r = DriftReport(id: ids.next(), asset: TestData.btc, featureSet: "v1", createdAt: TestData.t0 + .minutes(Int64(5 * i)),
                                referenceFrom: TestData.t0 - .days(7), referenceTo: TestData.t0, currentFrom: TestData.t0 - .hours(2),
                                currentTo: TestData.t0, score: 0.31, shareDrifted: 0.4, detected: i > 0, consecutive: i,
                                features: [FeatureDrift(feature: "rsi", ksStatistic: 0.31, pValue: 0.001, adjustedPValue: 0.01,
                                                        psi: 0.22, drifted: true, deciding: true)],
                                triggeredRunID: i == 2 ? ids.next() : nil)
            try store.insert(r)
            reports.append(r)
        }
        #expect(try store.latest(asset: TestData.btc) == reports[2])
        #expect(try store.reports(asset: TestData.btc, query: PageQuery()).items == reports.reversed())
    }

    @Test("drift features written by Foundation's encoder read back the same as the store's own")
    func driftFeaturesOfBothWriters() throws {
        let features = [FeatureDrift(feature: "rsi", ksStatistic: 0.31, pValue: 1.0e-05, adjustedPValue: 0.01, psi: 0.22,
                                     drifted: true, deciding: true),
                        FeatureDrift(feature: "close", ksStatistic: 0.5, pValue: 0.2, adjustedPValue: 1, psi: 3.5,
                                     drifted: false, deciding: false)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let foundation = String(decoding: try encoder.encode(features), as: UTF8.self)
        #expect(try SQLiteStore.features(foundation) == features)
        #expect(try SQLiteStore.features(SQLiteStore.featuresText(features)) == features)
        #expect(throws: StoreError.self) { try SQLiteStore.features(#"[{"feature":"rsi"}]"#) }
    }

    @Test("the event log resumes after a given id")
    func eventsResume() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let events = (0..<10).map { i in
            StoredEvent(id: ids.next(), type: i % 2 == 0 ? "prediction.created" : "run.finished",
                        payload: Array("{\"n\":\(i)}".utf8), at: TestData.t0 + .seconds(Int64(i)))
        }
        for e in events { try store.append(e) }
        #expect(try store.events(after: nil, limit: 100) == events)
        #expect(try store.events(after: events[6].id, limit: 100) == Array(events[7...]))
        #expect(try store.events(after: events[2].id, limit: 2) == Array(events[3...4]))
        #expect(try store.events(after: events[9].id, limit: 100).isEmpty)
        #expect(try store.pruneEvents(before: TestData.t0 + .seconds(5)) == 5)
        #expect(try store.events(after: nil, limit: 100) == Array(events[5...]))
    }
}
