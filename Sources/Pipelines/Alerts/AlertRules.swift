public import Domain
import Foundation

/// What one rule says about one asset right now.
public enum AlertCondition: Sendable, Equatable {
    /// The condition holds at this severity.
    case holds(severity: AlertSeverity, value: Double?, threshold: Double?, message: String)
    /// The condition does not hold: an open episode is resolved.
    case clear
    /// Not enough data to say: an open episode stays as it is.
    case unknown
}

/// What the rules look at for one asset (read from the stores by ``AlertsPipeline``).
public struct AlertInputs: Sendable {
    public var now: Timestamp
    public var latestBar: Bar?
    /// The bar closest to 24 h before the latest one, if any within ±10 min.
    public var dayAgoBar: Bar?
    /// Bars of the drawdown window, oldest first (the latest included).
    public var windowBars: [Bar]
    public var latestFeatures: FeatureRow?
    /// Index of `volatility` in the feature row's values.
    public var volatilityIndex: Int?
    /// The newest champion prediction of the production model whose target time has passed.
    public var duePrediction: Prediction?
    public var productionModel: ModelVersion?
    /// The newest drift report, if drift is checked.
    public var latestDrift: DriftReport?

    public init(now: Timestamp, latestBar: Bar?, dayAgoBar: Bar?, windowBars: [Bar], latestFeatures: FeatureRow?,
                volatilityIndex: Int?, duePrediction: Prediction?, productionModel: ModelVersion?, latestDrift: DriftReport? = nil) {
        self.now = now; self.latestBar = latestBar; self.dayAgoBar = dayAgoBar; self.windowBars = windowBars
        self.latestFeatures = latestFeatures; self.volatilityIndex = volatilityIndex
        self.duePrediction = duePrediction; self.productionModel = productionModel; self.latestDrift = latestDrift
    }
}

/// The alert rules as pure functions of ``AlertInputs`` and ``AlertThresholds``.
public struct AlertRules: Sendable {
    public var thresholds: AlertThresholds
    public init(thresholds: AlertThresholds = AlertThresholds()) { self.thresholds = thresholds }

    /// The kinds this rule set evaluates, in evaluation order.
    public static let kinds: [AlertKind] = [.priceChange, .volatility, .predictionDeviation, .drawdown, .staleData, .staleModel, .drift]

    public func evaluate(_ kind: AlertKind, _ x: AlertInputs) -> AlertCondition {
        switch kind {
        case .priceChange: priceChange(x)
        case .volatility: volatility(x)
        case .predictionDeviation: predictionDeviation(x)
        case .drawdown: drawdown(x)
        case .staleData: staleData(x)
        case .staleModel: staleModel(x)
        case .drift: drift(x)
        }
    }

    /// Holds while the newest drift report detects drift (reports older than a day say nothing).
    func drift(_ x: AlertInputs) -> AlertCondition {
        guard let r = x.latestDrift, x.now - r.createdAt <= .hours(24) else { return .unknown }
        guard r.detected else { return .clear }
        return .holds(severity: .warning, value: r.score, threshold: nil,
                      message: "feature drift: score \(String(format: "%.3f", r.score)), \(Self.percent(r.shareDrifted, signed: false)) of features drifted, \(r.consecutive) consecutive checks (report \(r.id))")
    }

    func priceChange(_ x: AlertInputs) -> AlertCondition {
        guard let latest = x.latestBar, let dayAgo = x.dayAgoBar, dayAgo.close > 0 else { return .unknown }
        let change = latest.close / dayAgo.close - 1
        let t = thresholds
        return twoLevel(abs(change), value: change, warning: t.priceChangeWarning, high: t.priceChangeHigh) { limit in
            "24 h price change \(Self.percent(change)) beyond ±\(Self.percent(limit, signed: false))"
        }
    }

    func volatility(_ x: AlertInputs) -> AlertCondition {
        guard let row = x.latestFeatures, let i = x.volatilityIndex, i < row.values.count, row.values[i].isFinite else {
            return .unknown
        }
        let v = row.values[i]
        return twoLevel(v, value: v, warning: thresholds.volatilityWarning, high: thresholds.volatilityHigh) { limit in
            "annualised volatility \(Self.percent(v, signed: false)) beyond \(Self.percent(limit, signed: false))"
        }
    }

    func predictionDeviation(_ x: AlertInputs) -> AlertCondition {
        guard let p = x.duePrediction, let latest = x.latestBar, p.predictedPrice > 0,
              x.now - p.targetTime <= thresholds.predictionMaxAge else { return .unknown }
        let deviation = latest.close / p.predictedPrice - 1
        guard abs(deviation) > thresholds.predictionDeviation else { return .clear }
        return .holds(severity: .warning, value: deviation, threshold: thresholds.predictionDeviation,
                      message: "price \(Self.number(latest.close)) deviates \(Self.percent(deviation)) from the predicted \(Self.number(p.predictedPrice)) (prediction \(p.id)) beyond ±\(Self.percent(thresholds.predictionDeviation, signed: false))")
    }

    func drawdown(_ x: AlertInputs) -> AlertCondition {
        guard let latest = x.latestBar, let peak = x.windowBars.map(\.close).max(), peak > 0 else { return .unknown }
        let dd = 1 - latest.close / peak
        return twoLevel(dd, value: dd, warning: thresholds.drawdownWarning, high: thresholds.drawdownHigh) { limit in
            "drawdown \(Self.percent(dd, signed: false)) from the \(thresholds.drawdownWindow.value / 3_600_000) h peak \(Self.number(peak)) beyond \(Self.percent(limit, signed: false))"
        }
    }

    func staleData(_ x: AlertInputs) -> AlertCondition {
        guard let latest = x.latestBar else {
            return .holds(severity: .warning, value: nil, threshold: thresholds.maxDataAge.seconds, message: "no price data stored")
        }
        let age = x.now - latest.closeTime
        guard age > thresholds.maxDataAge else { return .clear }
        return .holds(severity: .warning, value: age.seconds, threshold: thresholds.maxDataAge.seconds,
                      message: "newest bar closed \(age.value / 1000) s ago, more than \(thresholds.maxDataAge.value / 1000) s")
    }

    func staleModel(_ x: AlertInputs) -> AlertCondition {
        guard let model = x.productionModel else {
            return .holds(severity: .warning, value: nil, threshold: thresholds.maxModelAge.seconds, message: "no production model")
        }
        let age = x.now - model.createdAt
        guard age > thresholds.maxModelAge else { return .clear }
        return .holds(severity: .warning, value: age.seconds, threshold: thresholds.maxModelAge.seconds,
                      message: "production model \(model.id) is \(age.value / 60_000) min old, more than \(thresholds.maxModelAge.value / 60_000) min")
    }

    private func twoLevel(_ magnitude: Double, value: Double, warning: Double, high: Double,
                          message: (Double) -> String) -> AlertCondition {
        if magnitude > high { return .holds(severity: .high, value: value, threshold: high, message: message(high)) }
        if magnitude > warning { return .holds(severity: .warning, value: value, threshold: warning, message: message(warning)) }
        return .clear
    }

    static func percent(_ x: Double, signed: Bool = true) -> String {
        String(format: signed ? "%+.2f %%" : "%.2f %%", x * 100)
    }

    static func number(_ x: Double) -> String { String(format: "%.2f", x) }
}
