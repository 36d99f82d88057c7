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
        var returns: [ULID: [ValidatedReturn]] = [:]
        for p in predictions {
            if let r = ValidatedReturn(p) { returns[p.modelID, default: []].append(r) }
        }
        return decide(s, returns: returns.mapValues { $0.sorted { ($0.targetTime, $0.barTime) < ($1.targetTime, $1.barTime) } },
                      now: now)
    }

    /// `returns`: each model's validated returns, oldest target first (one per bar, as the
    /// ledger keeps them); models not in `s` are ignored; `now`: the clock.
    public func decide(_ s: Situation, returns: [ULID: [ValidatedReturn]], now: Timestamp) -> Decision {
        // Per model, in bar order: (bar, return error, persistence error, target) since the champion took over.
        func errors(_ id: ULID) -> [BarError] {
            (returns[id] ?? []).compactMap { r in
                guard r.barTime >= s.championSince, r.actualPrice > 0, r.price > 0 else { return nil }
                let realised = log(r.actualPrice / r.price)
                return BarError(bar: r.barTime, model: r.predictedReturn - realised, persistence: -realised, target: r.targetTime)
            }
        }
        let champion = errors(s.champion)

        if let previous = s.previous, returns[previous] != nil {
            let since = now - rollbackWindow
            let pairs = Self.paired(champion.filter { $0.target >= since }, errors(previous))
            if pairs.count >= minimumPairs {
                let rmseC = Self.rmse(pairs.map(\.0.model)), rmseP = Self.rmse(pairs.map(\.0.persistence))
                let rmseQ = Self.rmse(pairs.map(\.1.model))
                if rmseC > rmseP && rmseC > rmseQ {
                    return .rollback(to: previous, detail:
                        "live rollback: over the last \(Self.span(rollbackWindow)) (n=\(pairs.count) validated predictions) "
                        + "champion RMSE \(Self.g(rmseC)) is worse than persistence \(Self.g(rmseP)) "
                        + "and the previous version's \(Self.g(rmseQ))")
                }
            }
        }

        var best: (id: ULID, p: Double, n: Int, rmseChallenger: Double, rmseChampion: Double)?
        for id in s.challengers where id != s.champion {
            guard returns[id] != nil else { continue }
            let pairs = Self.paired(errors(id), champion)
            guard pairs.count >= minimumPairs else { continue }
            let e1 = pairs.map(\.0.model), e2 = pairs.map(\.1.model)
            guard let dm = try? DieboldMariano(errors: e1, e2, horizon: horizonBars) else { continue }
            if dm.pValueFirstBetter < significance, best.map({ dm.pValueFirstBetter < $0.p }) ?? true {
                best = (id, dm.pValueFirstBetter, pairs.count, Self.rmse(e1), Self.rmse(e2))
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

    /// One validated prediction's errors on the log-return scale.
    struct BarError {
        var bar: Timestamp
        var model: Double
        var persistence: Double
        var target: Timestamp
    }

    /// The bars both series predicted, in bar order (a merge of two bar-ordered series).
    static func paired(_ a: [BarError], _ b: [BarError]) -> [(BarError, BarError)] {
        var pairs: [(BarError, BarError)] = []
        pairs.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i].bar < b[j].bar { i += 1 } else if b[j].bar < a[i].bar { j += 1 } else {
                pairs.append((a[i], b[j])); i += 1; j += 1
            }
        }
        return pairs
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
