public import Domain
import Statistics
import Foundation

/// Decides, from live validated predictions alone, whether production should change
/// (design.md §2, training row). Pure: the validation pipeline feeds it and acts on it.
///
/// - Promotion: a challenger replaces the champion when, on the bars both predicted since the
///   champion took over, its squared return errors are lower by a one-sided paired
///   Diebold–Mariano test (p < `significance`, Newey–West over the horizon's overlapping bars),
///   after at least `minimumPairs` pairs.
/// - Rollback: the champion goes back to the version it replaced when, over the last
///   `rollbackWindow` (by target time) and only since it took over, its RMSE is worse than
///   both persistence and that previous version on the same bars (at least `minimumPairs`).
///   Rollback is checked first: a failing champion is the more urgent change.
public struct LiveModelReview: Sendable, Equatable {
    public var minimumPairs: Int
    public var significance: Double
    public var rollbackWindow: Milliseconds
    /// Bars the target looks ahead: consecutive errors overlap up to `horizonBars − 1` lags.
    public var horizonBars: Int

    public init(minimumPairs: Int = 50, significance: Double = 0.05, rollbackWindow: Milliseconds = .hours(24),
                horizonBars: Int = FeatureSetVersion.v1.horizonBars) {
        self.minimumPairs = minimumPairs; self.significance = significance
        self.rollbackWindow = rollbackWindow; self.horizonBars = horizonBars
    }

    /// The situation reviewed: who is champion since when, what it replaced, who challenges.
    public struct Situation: Sendable {
        public var champion: ULID
        public var championSince: Timestamp
        public var previous: ULID?
        public var challengers: [ULID]
        public init(champion: ULID, championSince: Timestamp, previous: ULID?, challengers: [ULID]) {
            self.champion = champion; self.championSince = championSince; self.previous = previous; self.challengers = challengers
        }
    }

    public enum Decision: Sendable, Equatable {
        case keep(String)
        case promote(ULID, detail: String)
        case rollback(to: ULID, detail: String)
    }

    /// `predictions`: validated predictions of the asset (any model); `now`: the clock.
    public func decide(_ s: Situation, predictions: [Prediction], now: Timestamp) -> Decision {
        // Per model: bar time → (return error, persistence error) since the champion took over.
        var errors: [ULID: [Timestamp: (model: Double, persistence: Double, target: Timestamp)]] = [:]
        for p in predictions where p.barTime >= s.championSince {
            guard p.validation.outcome != nil, let actual = p.validation.actualPrice, actual > 0, p.price > 0 else { continue }
            let realised = log(actual / p.price)
            errors[p.modelID, default: [:]][p.barTime] = (p.predictedReturn - realised, -realised, p.targetTime)
        }
        let champion = errors[s.champion] ?? [:]

        if let previous = s.previous, let prev = errors[previous] {
            let since = now - rollbackWindow
            let bars = champion.keys.filter { b in prev[b] != nil && (champion[b]?.target ?? since) >= since }.sorted()
            if bars.count >= minimumPairs {
                let c = bars.compactMap { champion[$0] }, q = bars.compactMap { prev[$0]?.model }
                let rmseC = Self.rmse(c.map(\.model)), rmseP = Self.rmse(c.map(\.persistence)), rmseQ = Self.rmse(q)
                if rmseC > rmseP && rmseC > rmseQ {
                    return .rollback(to: previous, detail:
                        "live rollback: over the last \(Self.span(rollbackWindow)) (n=\(bars.count) validated predictions) "
                        + "champion RMSE \(Self.g(rmseC)) is worse than persistence \(Self.g(rmseP)) "
                        + "and the previous version's \(Self.g(rmseQ))")
                }
            }
        }

        var best: (id: ULID, p: Double, n: Int, rmseChallenger: Double, rmseChampion: Double)?
        for id in s.challengers where id != s.champion {
            guard let ch = errors[id] else { continue }
            let bars = champion.keys.filter { ch[$0] != nil }.sorted()
            guard bars.count >= minimumPairs else { continue }
            let e1 = bars.compactMap { ch[$0]?.model }, e2 = bars.compactMap { champion[$0]?.model }
            guard let dm = try? DieboldMariano(errors: e1, e2, horizon: horizonBars) else { continue }
            if dm.pValueFirstBetter < significance, best.map({ dm.pValueFirstBetter < $0.p }) ?? true {
                best = (id, dm.pValueFirstBetter, bars.count, Self.rmse(e1), Self.rmse(e2))
            }
        }
        if let best {
            return .promote(best.id, detail:
                "live promotion: Diebold-Mariano on squared return errors, n=\(best.n) paired validated predictions, "
                + "one-sided p=\(Self.g(best.p)) < \(significance); RMSE challenger \(Self.g(best.rmseChallenger)) "
                + "vs champion \(Self.g(best.rmseChampion))")
        }
        return .keep("no challenger significantly better and champion not failing")
    }

    static func rmse(_ e: [Double]) -> Double {
        e.isEmpty ? 0 : (e.reduce(0) { $0 + $1 * $1 } / Double(e.count)).squareRoot()
    }

    /// Six significant digits, enough for evidence in a history row.
    static func g(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return "\(x)" }
        let scale = pow(10, 5 - floor(log10(abs(x))))
        return "\((x * scale).rounded() / scale)"
    }

    static func span(_ m: Milliseconds) -> String {
        m.value % 3_600_000 == 0 ? "\(m.value / 3_600_000) h" : "\(m.value / 60_000) min"
    }
}
