import Domain
import Foundation
import Logging
import Pipelines
import Storage
import Synchronization
import Testing

/// Counts the training runs the drift pipeline asks for.
final class TrainingRequests: Sendable {
    private let calls = Mutex<[(AssetID, String)]>([])
    private let ids: ULIDGenerator
    init(ids: ULIDGenerator) { self.ids = ids }
    var reasons: [String] { calls.withLock { $0.map(\.1) } }
    var trigger: DriftPipeline.TrainingTrigger {
        { [self] asset, reason in
            calls.withLock { $0.append((asset, reason)) }
            return ids.next()
        }
    }
}

@Suite struct DriftPipelineTests {
    static let logger = Logger(label: "drift-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    /// A calm stretch of the bundled bitcoin data: its 2 h stay below the 0.3 threshold
    /// against the 7 days before (score ≈ 0.18).
    static let calmStart = Timestamp(parsing: "2025-02-17T01:40:00Z") ?? Timestamp(milliseconds: 0)

    static func slice(from: Timestamp, to: Timestamp) -> [FeatureRow] {
        let rows = DriftTestData.btcRows
        return Array(rows[DriftTestData.index(of: from)..<DriftTestData.index(of: to)]).filter(\.isComplete)
    }

    static func calm(referenceDays: Int64 = 7) -> (reference: [FeatureRow], recent: [FeatureRow]) {
        (slice(from: calmStart - .days(referenceDays), to: calmStart), slice(from: calmStart, to: calmStart + .hours(2)))
    }

    struct Harness {
        let store: SQLiteStore
        let clock: ManualWallClock
        let requests: TrainingRequests
        let pipeline: DriftPipeline

        init(reference: [FeatureRow], recent: [FeatureRow], configuration: DriftConfiguration = DriftConfiguration()) throws {
            store = try DriftTestData.store(reference: reference, recent: recent)
            clock = ManualWallClock((recent.last?.time ?? calmStart) + BarGrid.step)
            let ids = ULIDGenerator(clock: clock, seed: 11)
            requests = TrainingRequests(ids: ids)
            pipeline = DriftPipeline(features: store, drift: store, clock: clock, ids: ids, configuration: configuration,
                                     enqueueTraining: requests.trigger)
        }

        func check() throws -> DriftReport {
            guard case .reported(let r) = try pipeline.check(DriftTestData.asset, logger: DriftPipelineTests.logger) else {
                throw StoreError.notFound("no report")
            }
            return r
        }
    }

    @Test func realCalmStretchDoesNotDetectDrift() throws {
        let (reference, recent) = Self.calm()
        #expect(reference.count > 2000 && recent.count == 24)
        let h = try Harness(reference: reference, recent: recent)
        let report = try h.check()
        #expect(report.score < 0.3)
        #expect(!report.detected)
        #expect(report.consecutive == 0)
        #expect(report.triggeredRunID == nil)
        #expect(try h.store.latest(asset: DriftTestData.asset) == report)
    }

    @Test func shiftedCopyOfRealDataDetectsDrift() throws {
        let (reference, recent) = Self.calm()
        let shifted = DriftTestData.shifted(recent, after: reference.last?.time ?? Self.calmStart, scale: 4)
        let h = try Harness(reference: reference, recent: shifted)
        let report = try h.check()
        #expect(report.detected)
        #expect(report.score >= 0.3)
        #expect(report.shareDrifted > 0)
        #expect(report.consecutive == 1)
        #expect(h.requests.reasons.isEmpty)
        let volatility = try #require(report.features.first { $0.feature == "volatility" })
        #expect(volatility.deciding && volatility.drifted && volatility.ksStatistic > 0.9)
    }

    @Test func priceLevelFeaturesAreReportedButDoNotDecide() throws {
        let (reference, recent) = Self.calm()
        let columns = FeatureSetVersion.v1.columns
        let level = FeatureSetVersion.v1.priceLevelColumns
        // The price jumps 50 %: every price-level column moves out of the reference range.
        let moved = recent.map { row -> FeatureRow in
            var r = row
            for (i, c) in columns.enumerated() where level.contains(c) { r.values[i] *= 1.5 }
            return r
        }
        let h = try Harness(reference: reference, recent: moved)
        let report = try h.check()
        #expect(!report.detected)
        let sma = try #require(report.features.first { $0.feature == "sma_20" })
        #expect(sma.ksStatistic == 1 && !sma.deciding)
        for f in report.features { #expect(f.deciding == !(level.contains(f.feature) || DriftConfiguration.calendarColumns.contains(f.feature))) }
    }

    @Test func consecutiveDetectionsEnqueueExactlyOneTrainingWithinTheCoolDown() throws {
        let (reference, recent) = Self.calm(referenceDays: 1)
        let shifted = DriftTestData.shifted(recent + Self.slice(from: Self.calmStart + .hours(2), to: Self.calmStart + .hours(4)),
                                            after: reference.last?.time ?? Self.calmStart, scale: 4)
        let h = try Harness(reference: reference, recent: Array(shifted.prefix(24)))
        _ = try h.store.upsert(shifted)
        var reports: [DriftReport] = []
        for _ in 0..<3 {
            reports.append(try h.check())
            h.clock.advance(by: BarGrid.step)
        }
        #expect(reports.map(\.consecutive) == [1, 2, 3])
        #expect(h.requests.reasons.count == 1)
        #expect(reports[0].triggeredRunID == nil && reports[1].triggeredRunID != nil && reports[2].triggeredRunID == nil)
        #expect(h.requests.reasons.first?.contains(reports[1].id.string) == true)

        // 35 minutes after the triggering report the cool-down is over.
        h.clock.advance(by: .minutes(25))
        let later = try h.check()
        #expect(later.consecutive == 4)
        #expect(later.triggeredRunID != nil)
        #expect(h.requests.reasons.count == 2)
    }

    @Test func driftDoesNotRetrainWithinTheCoolDownOfAnyTraining() throws {
        let (reference, recent) = Self.calm(referenceDays: 1)
        let shifted = DriftTestData.shifted(recent + Self.slice(from: Self.calmStart + .hours(2), to: Self.calmStart + .hours(4)),
                                            after: reference.last?.time ?? Self.calmStart, scale: 4)
        let h = try Harness(reference: reference, recent: Array(shifted.prefix(24)))
        _ = try h.store.upsert(shifted)
        // A scheduled training stored this reference 10 minutes ago.
        try DriftTestData.setReference(h.store, reference, trainedAt: h.clock.now() - .minutes(10))
        var reports: [DriftReport] = []
        for _ in 0..<4 {
            reports.append(try h.check())
            h.clock.advance(by: BarGrid.step)
        }
        #expect(reports.map(\.consecutive) == [1, 2, 3, 4])
        #expect(reports.allSatisfy { $0.triggeredRunID == nil })
        #expect(h.requests.reasons.isEmpty)

        // 30 minutes after that training, the drift that persists retrains.
        let later = try h.check()
        #expect(later.triggeredRunID != nil)
        #expect(h.requests.reasons.count == 1)
    }

    @Test func aNewTrainingWindowRestartsTheCount() throws {
        let (reference, recent) = Self.calm(referenceDays: 1)
        let shifted = DriftTestData.shifted(recent, after: reference.last?.time ?? Self.calmStart, scale: 4)
        let h = try Harness(reference: reference, recent: shifted)
        #expect(try h.check().consecutive == 1)
        try DriftTestData.setReference(h.store, Array(reference.dropFirst(12)))
        #expect(try h.check().consecutive == 1)
        #expect(h.requests.reasons.isEmpty)
    }

    @Test func assetWithoutTrainingIsSkipped() throws {
        let store = try SQLiteStore.temporary()
        let clock = ManualWallClock(Self.calmStart)
        let pipeline = DriftPipeline(features: store, drift: store, clock: clock, ids: ULIDGenerator(clock: clock),
                                     enqueueTraining: { _, _ in nil })
        guard case .skipped(let reason) = try pipeline.check(DriftTestData.asset, logger: Self.logger) else {
            Issue.record("expected a skip"); return
        }
        #expect(reason.contains("no drift reference"))
        #expect(try store.latest(asset: DriftTestData.asset) == nil)
    }
}
