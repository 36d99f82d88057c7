import ArgumentParser
import Domain
import Foundation
import Pipelines

/// Drift detection, alert thresholds and alert webhooks. Each option falls back to a
/// `SENTINEL_*` environment variable; the webhook secret comes only from the environment
/// (`SENTINEL_WEBHOOK_SECRET`), so it never shows in a process list.
struct MonitoringOptions: ParsableArguments {
    @Option(name: .customLong("webhook"), help: "POST new alerts to this URL; repeatable (env SENTINEL_WEBHOOKS, comma-separated).")
    var webhooks: [String] = []

    @Option(name: .customLong("webhook-format"), help: "Webhook body: slack, discord or generic (env SENTINEL_WEBHOOK_FORMAT; default generic).")
    var webhookFormat: String?

    @Option(name: .customLong("webhook-attempts"), help: "Delivery attempts per alert and webhook (env SENTINEL_WEBHOOK_ATTEMPTS; default 4).")
    var webhookAttempts: Int?

    @Option(name: .customLong("webhook-timeout"), help: "Seconds one delivery attempt may take (env SENTINEL_WEBHOOK_TIMEOUT; default 5).")
    var webhookTimeout: Double?

    @Option(name: .customLong("drift-threshold"), help: "Drift score (mean KS statistic) that detects drift (env SENTINEL_DRIFT_THRESHOLD; default 0.3).")
    var driftThreshold: Double?

    @Option(name: .customLong("drift-share"), help: "Also detect drift when this share of features drifted, 0-1 (env SENTINEL_DRIFT_SHARE; default off).")
    var driftShare: Double?

    @Option(name: .customLong("drift-window"), help: "Minutes of recent feature rows compared (env SENTINEL_DRIFT_WINDOW_MINUTES; default 120).")
    var driftWindowMinutes: Int?

    @Option(name: .customLong("drift-consecutive"), help: "Consecutive detections that enqueue training (env SENTINEL_DRIFT_CONSECUTIVE; default 2).")
    var driftConsecutive: Int?

    @Option(name: .customLong("drift-cooldown"), help: "Minutes after any training of an asset before drift may trigger another (env SENTINEL_DRIFT_COOLDOWN_MINUTES; default 30).")
    var driftCooldownMinutes: Int?

    @Option(name: .customLong("alert-price-change"), help: "24 h price change alert, percent: WARNING,HIGH (env SENTINEL_ALERT_PRICE_CHANGE; default 5,10).")
    var alertPriceChange: String?

    @Option(name: .customLong("alert-volatility"), help: "Annualised volatility alert, percent: WARNING,HIGH (env SENTINEL_ALERT_VOLATILITY; default 50,80).")
    var alertVolatility: String?

    @Option(name: .customLong("alert-drawdown"), help: "Drawdown from the 24 h peak alert, percent: WARNING,HIGH (env SENTINEL_ALERT_DRAWDOWN; default 10,20).")
    var alertDrawdown: String?

    @Option(name: .customLong("alert-prediction-deviation"), help: "Price vs due prediction alert, percent (env SENTINEL_ALERT_PREDICTION_DEVIATION; default 3).")
    var alertPredictionDeviation: Double?

    /// The options as plain settings; throws a `ValidationError` naming the bad option.
    func settings() throws -> MonitoringSettings {
        let urls = webhooks.isEmpty ? (Environment.list("SENTINEL_WEBHOOKS") ?? []) : webhooks
        let formatText = webhookFormat ?? Environment.string("SENTINEL_WEBHOOK_FORMAT") ?? "generic"
        guard let format = WebhookFormat(rawValue: formatText) else {
            throw ValidationError("--webhook-format must be slack, discord or generic, not '\(formatText)'")
        }
        for u in urls {
            guard let c = URLComponents(string: u), ["http", "https"].contains(c.scheme ?? ""), c.host?.isEmpty == false else {
                throw ValidationError("--webhook must be an http(s) URL, not '\(u)'")
            }
        }
        let attempts = try webhookAttempts ?? Environment.int("SENTINEL_WEBHOOK_ATTEMPTS") ?? 4
        guard (1...10).contains(attempts) else { throw ValidationError("--webhook-attempts must be between 1 and 10, not \(attempts)") }
        let timeout = try webhookTimeout ?? Environment.double("SENTINEL_WEBHOOK_TIMEOUT") ?? 5
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--webhook-timeout must be in (0, 60] seconds, not \(timeout)") }

        var drift = DriftConfiguration()
        drift.scoreThreshold = try driftThreshold ?? Environment.double("SENTINEL_DRIFT_THRESHOLD") ?? drift.scoreThreshold
        guard drift.scoreThreshold > 0, drift.scoreThreshold <= 1 else { throw ValidationError("--drift-threshold must be in (0, 1]") }
        drift.shareThreshold = try driftShare ?? Environment.double("SENTINEL_DRIFT_SHARE")
        if let s = drift.shareThreshold, !(s > 0 && s <= 1) { throw ValidationError("--drift-share must be in (0, 1]") }
        let window = try driftWindowMinutes ?? Environment.int("SENTINEL_DRIFT_WINDOW_MINUTES") ?? 120
        guard window >= 30, window <= 7 * 24 * 60 else { throw ValidationError("--drift-window must be between 30 and 10080 minutes") }
        drift.recentWindow = .minutes(Int64(window))
        let consecutive = try driftConsecutive ?? Environment.int("SENTINEL_DRIFT_CONSECUTIVE") ?? 2
        guard (1...100).contains(consecutive) else { throw ValidationError("--drift-consecutive must be between 1 and 100") }
        drift.consecutiveForRetraining = consecutive
        let cooldown = try driftCooldownMinutes ?? Environment.int("SENTINEL_DRIFT_COOLDOWN_MINUTES") ?? 30
        guard cooldown >= 0 else { throw ValidationError("--drift-cooldown must not be negative") }
        drift.cooldown = .minutes(Int64(cooldown))

        var t = AlertThresholds()
        (t.priceChangeWarning, t.priceChangeHigh) = try Self.pair(alertPriceChange, env: "SENTINEL_ALERT_PRICE_CHANGE",
                                                                  option: "--alert-price-change", default: (5, 10))
        (t.volatilityWarning, t.volatilityHigh) = try Self.pair(alertVolatility, env: "SENTINEL_ALERT_VOLATILITY",
                                                                option: "--alert-volatility", default: (50, 80))
        (t.drawdownWarning, t.drawdownHigh) = try Self.pair(alertDrawdown, env: "SENTINEL_ALERT_DRAWDOWN",
                                                            option: "--alert-drawdown", default: (10, 20))
        let deviation = try alertPredictionDeviation ?? Environment.double("SENTINEL_ALERT_PREDICTION_DEVIATION") ?? 3
        guard deviation > 0 else { throw ValidationError("--alert-prediction-deviation must be positive") }
        t.predictionDeviation = deviation / 100

        let secret = Environment.string("SENTINEL_WEBHOOK_SECRET").map { Array($0.utf8) }
        return MonitoringSettings(webhooks: urls.map { WebhookEndpoint(url: $0, format: format) }, secret: secret,
                                  delivery: WebhookDeliveryPolicy(attempts: attempts, timeout: Milliseconds(Int64(timeout * 1000))),
                                  drift: drift, thresholds: t)
    }

    /// "WARNING,HIGH" in percent → fractions, warning below high.
    static func pair(_ option: String?, env: String, option name: String, default d: (Double, Double)) throws -> (Double, Double) {
        guard let text = option ?? Environment.string(env) else { return (d.0 / 100, d.1 / 100) }
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let w = parts[0], let h = parts[1], w > 0, h > w, h.isFinite else {
            throw ValidationError("\(name) must be WARNING,HIGH in percent with 0 < WARNING < HIGH, not '\(text)'")
        }
        return (w / 100, h / 100)
    }
}

/// Resolved monitoring configuration, shared by every command through ``ServiceAssembly``.
struct MonitoringSettings: Sendable {
    var webhooks: [WebhookEndpoint]
    var secret: [UInt8]?
    var delivery: WebhookDeliveryPolicy
    var drift: DriftConfiguration
    var thresholds: AlertThresholds

    /// Settings from the environment alone (commands without the monitoring options).
    static func fromEnvironment() throws -> MonitoringSettings { try MonitoringOptions.parse([]).settings() }
}
