public import Domain
import Foundation

extension SimulationReport {
    /// The report as JSON (keys in a fixed order; `sentinel simulate --json` writes it).
    public var json: JSONValue {
        func number(_ d: Double?) -> JSONValue {
            guard let d, d.isFinite else { return .null }
            return .number(Self.rounded(d))
        }
        func int(_ i: Int) -> JSONValue { .number(Double(i)) }
        func runCounts(_ c: RunCounts) -> JSONValue {
            .object([("pipeline", .string(c.pipeline)), ("succeeded", int(c.succeeded)), ("failed", int(c.failed)),
                     ("cancelled", int(c.cancelled))])
        }
        func score(_ s: ModelScore, withID: Bool) -> JSONValue {
            var fields: [(String, JSONValue)] = []
            if withID {
                fields += [("model_id", .string(s.modelID.string)), ("asset", .string(s.asset.rawValue)),
                           ("family", .string(s.family)), ("stage", .string(s.stage)),
                           ("created_at", s.createdAt.map { .string($0.rfc3339) } ?? .null),
                           ("holdout_skill", number(s.holdoutSkill))]
            }
            let interval = s.hitRateInterval
            fields += [("predictions", int(s.predictions)), ("shadow", int(s.shadow)),
                       ("validated", int(s.validated)), ("correct", int(s.correct)), ("incorrect", int(s.incorrect)),
                       ("flat", int(s.flat)), ("hit_rate", number(s.hitRate)),
                       ("hit_rate_wilson_95", interval.map { .array([number($0.lower), number($0.upper)]) } ?? .null),
                       ("mean_absolute_error_bps", number(s.meanAbsoluteErrorBps)),
                       ("skill_vs_persistence", number(s.skillVsPersistence)),
                       ("skill_vs_last_move", number(s.skillVsLastMove))]
            return .object(fields)
        }
        func change(_ c: ChangeOfProduction) -> JSONValue {
            .object([("asset", .string(c.asset.rawValue)), ("at", .string(c.at.rfc3339)),
                     ("from", c.from.map { .string($0.string) } ?? .null), ("to", .string(c.to.string)),
                     ("reason", .string(c.reason)), ("detail", .string(c.detail))])
        }
        return .object([
            ("assets", .array(assets.map { .string($0.rawValue) })),
            ("from", .string(from.rfc3339)),
            ("to", .string(to.rfc3339)),
            ("simulated_days", number(simulatedDays)),
            ("pipelines", .array(pipelines.map { .string($0) })),
            ("runs", .array(runs.map(runCounts))),
            ("predictions", .object([
                ("total", int(predictions)), ("champion", int(championPredictions)), ("shadow", int(shadowPredictions)),
                ("correct", int(correct)), ("incorrect", int(incorrect)), ("flat", int(flat)), ("pending", int(pending)),
            ])),
            ("champion_vs_baselines", champion.map { score($0, withID: false) } ?? .null),
            ("scorecard", .array(models.map { score($0, withID: true) })),
            ("trainings", .object([("succeeded", int(trainings.succeeded)), ("failed", int(trainings.failed)),
                                   ("cancelled", int(trainings.cancelled)),
                                   ("triggered_by_drift", int(driftTriggeredTrainings)),
                                   ("model_versions", int(modelVersions))])),
            ("promotions", .array(promotions.map(change))),
            ("rollbacks", .array(rollbacks.map(change))),
            ("drift", .object([("reports", int(driftReports)), ("detected", int(driftDetected))])),
            ("alerts", .object([
                ("total", int(alertTotal)),
                ("by_kind", .array(alerts.map { a in
                    .object([("kind", .string(a.kind.rawValue)), ("severity", .string(a.severity.rawValue)),
                             ("total", int(a.total)), ("open", int(a.open))])
                })),
            ])),
        ])
    }

    /// The report as text for a terminal.
    public var text: String {
        func pct(_ d: Double?) -> String { d.map { String(format: "%.1f %%", $0 * 100) } ?? "–" }
        func num(_ d: Double?, _ digits: Int = 3) -> String { d.map { String(format: "%.\(digits)f", $0) } ?? "–" }
        var out = "Simulation of \(assets.map(\.rawValue).joined(separator: ", ")) from \(from) to \(to) "
        out += "(\(num(simulatedDays, 1)) days; pipelines: \(pipelines.joined(separator: ", ")))\n\n"
        out += "Runs\n"
        for r in runs {
            out += "  \(r.pipeline.padding(toLength: 11, withPad: " ", startingAt: 0)) \(r.succeeded) succeeded, \(r.failed) failed, \(r.cancelled) cancelled\n"
        }
        out += "\nPredictions: \(predictions) (\(championPredictions) champion, \(shadowPredictions) shadow)\n"
        out += "  outcomes: \(correct) correct, \(incorrect) incorrect, \(flat) flat, \(pending) pending\n"
        if let c = champion {
            out += "  champion: hit rate \(pct(c.hitRate)), MAE \(num(c.meanAbsoluteErrorBps, 1)) bps, "
            out += "skill vs persistence \(num(c.skillVsPersistence)), vs last move \(num(c.skillVsLastMove))\n"
        }
        out += "\nScorecard (every model version that predicted)\n"
        out += "  model                       family             stage       preds  valid  hit rate  MAE bps  skill/persist  skill/last-move\n"
        for m in models {
            out += "  \(m.modelID.string.padding(toLength: 27, withPad: " ", startingAt: 0)) "
            out += "\(m.family.padding(toLength: 18, withPad: " ", startingAt: 0)) "
            out += "\(m.stage.padding(toLength: 11, withPad: " ", startingAt: 0)) "
            out += "\(String(m.predictions).leftPadded(5))  \(String(m.validated).leftPadded(5))  "
            out += "\(pct(m.hitRate).leftPadded(8))  \(num(m.meanAbsoluteErrorBps, 1).leftPadded(7))  "
            out += "\(num(m.skillVsPersistence).leftPadded(13))  \(num(m.skillVsLastMove).leftPadded(15))\n"
        }
        out += "\nTraining: \(trainings.succeeded) succeeded, \(trainings.failed) failed (\(driftTriggeredTrainings) triggered by drift); \(modelVersions) model versions\n"
        out += "Promotions: \(promotions.count)\n"
        for c in promotions { out += "  \(c.at) \(c.asset) → \(c.to) (\(c.reason)) \(c.detail)\n" }
        out += "Rollbacks: \(rollbacks.count)\n"
        for c in rollbacks { out += "  \(c.at) \(c.asset) → \(c.to) \(c.detail)\n" }
        out += "Drift: \(driftReports) reports, \(driftDetected) detected\n"
        out += "Alerts: \(alertTotal)\n"
        for a in alerts { out += "  \(a.kind.rawValue) (\(a.severity.rawValue)): \(a.total)\n" }
        return out
    }

    /// Fixed precision so reports compare byte for byte and stay readable.
    static func rounded(_ d: Double) -> Double {
        guard d.isFinite else { return 0 }
        return (d * 1e9).rounded() / 1e9
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
