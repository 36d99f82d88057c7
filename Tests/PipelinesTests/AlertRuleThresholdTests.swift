import Domain
import Pipelines
import Testing

/// Every rule just below and just above its thresholds (all comparisons are strict).
@Suite struct AlertRuleThresholdTests {
    @Test(arguments: [(1.049, nil), (1.051, AlertSeverity.warning), (1.099, .warning), (1.101, .high),
                      (0.951, nil), (0.949, .warning), (0.899, .high)] as [(Double, AlertSeverity?)])
    func priceChangeOver24Hours(ratio: Double, expected: AlertSeverity?) throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 100 * ratio)
        _ = try h.evaluate()
        #expect(try h.open(.priceChange)?.severity == expected)
    }

    @Test(arguments: [(0.49, nil), (0.51, AlertSeverity.warning), (0.79, .warning), (0.81, .high)] as [(Double, AlertSeverity?)])
    func annualisedVolatility(volatility: Double, expected: AlertSeverity?) throws {
        let h = try AlertHarness()
        try h.seedVolatility(volatility)
        _ = try h.evaluate()
        #expect(try h.open(.volatility)?.severity == expected)
    }

    @Test(arguments: [(0.901, nil), (0.899, AlertSeverity.warning), (0.801, .warning), (0.799, .high)] as [(Double, AlertSeverity?)])
    func drawdownFromThePeak(ratioToPeak: Double, expected: AlertSeverity?) throws {
        let h = try AlertHarness()
        try h.seedDay(base: 100, latest: 200 * ratioToPeak, peak: 200)
        _ = try h.evaluate()
        #expect(try h.open(.drawdown)?.severity == expected)
    }

    @Test(arguments: [(102.9, false), (103.1, true), (97.1, false), (96.9, true)])
    func priceDeviatingFromTheDuePrediction(predicted: Double, alerts: Bool) throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 100)
        let model = try h.seedProductionModel(age: .minutes(5))
        try h.seedPrediction(model: model, predicted: predicted)
        _ = try h.evaluate()
        let deviation = 100 / predicted - 1
        #expect((try h.open(.predictionDeviation) != nil) == alerts, "deviation \(deviation)")
    }

    @Test func predictionWhoseTargetIsStillAheadIsNotCompared() throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 100)
        let model = try h.seedProductionModel(age: .minutes(5))
        try h.seedPrediction(model: model, predicted: 120)
        h.clock.advance(by: .minutes(-6))
        _ = try h.evaluate()
        #expect(try h.open(.predictionDeviation) == nil)
    }

    @Test(arguments: [(Milliseconds.minutes(10), false), (Milliseconds(601_000), true)])
    func staleData(ageAfterClose: Milliseconds, alerts: Bool) throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 100)
        h.clock.set(AlertHarness.latestTime + BarGrid.step + ageAfterClose)
        _ = try h.evaluate()
        #expect((try h.open(.staleData) != nil) == alerts)
    }

    @Test(arguments: [(Milliseconds.minutes(60), false), (Milliseconds.minutes(61), true)])
    func staleModel(age: Milliseconds, alerts: Bool) throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 100)
        try h.seedProductionModel(age: age)
        _ = try h.evaluate()
        #expect((try h.open(.staleModel) != nil) == alerts)
    }

    @Test func noProductionModelIsAStaleModel() throws {
        let h = try AlertHarness()
        try h.seedDay(latest: 100)
        _ = try h.evaluate()
        #expect(try h.open(.staleModel)?.message == "no production model")
    }

    @Test func detectedDriftIsAnAlertUntilAReportClearsIt() throws {
        let h = try AlertHarness()
        try h.seedDriftReport(detected: false)
        _ = try h.evaluate()
        #expect(try h.open(.drift) == nil)
        try h.seedDriftReport(detected: true, age: Milliseconds(0))
        _ = try h.evaluate()
        #expect(try h.open(.drift)?.value == 0.42)
        h.clock.advance(by: .minutes(5))
        try h.seedDriftReport(detected: false, age: Milliseconds(0))
        _ = try h.evaluate()
        #expect(try h.open(.drift) == nil)
    }

    @Test func customThresholdsAreHonoured() throws {
        let h = try AlertHarness(thresholds: AlertThresholds(priceChangeWarning: 0.01, priceChangeHigh: 0.02))
        try h.seedDay(latest: 101.5)
        _ = try h.evaluate()
        #expect(try h.open(.priceChange)?.severity == .warning)
    }
}
