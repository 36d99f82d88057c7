import Testing
import Foundation
import Domain
@testable import Pipelines

/// The scorecard's numbers on hand-made predictions, and the live promotion / rollback rules
/// on constructed error series.
struct ScorecardTests {
    static let t0 = Timestamp(seconds: 1_744_689_300)
    static let champion = ULID("01JRQ6Z4X8M0B6AAAAAAAAAAA1")!
    static let challenger = ULID("01JRQ6Z4X8M0B6AAAAAAAAAAA2")!
    static let previous = ULID("01JRQ6Z4X8M0B6AAAAAAAAAAA3")!

    /// A validated prediction of `model` for bar `i` that predicted `predicted` when `actual` happened.
    static func validated(_ model: ULID, bar i: Int, predicted: Double, actual: Double, price: Double = 100) -> Prediction {
        let bar = t0 + .minutes(5 * Int64(i))
        let actualPrice = price * exp(actual)
        let direction: Direction = predicted > 0 ? .up : .down
        let move = actualPrice / price - 1
        let outcome: Outcome = abs(move) < 0.001 ? .flat : ((move > 0) == (direction == .up) ? .correct : .incorrect)
        return Prediction(id: ULID("01JRQ7Z4X8M0B6AAAAAAA\(String(format: "%05d", i))")!, asset: AssetID("bitcoin"), modelID: model,
                          modelFamily: .ridge, shadow: model != champion, featureSet: "v1", featuresSHA256: "",
                          madeAt: bar + .minutes(5), barTime: bar, targetTime: bar + .minutes(35), price: price,
                          predictedReturn: predicted, predictedPrice: price * exp(predicted), direction: direction,
                          confidence: nil, regime: nil, modelSkill: 0,
                          validation: PredictionValidation(outcome: outcome, actualPrice: actualPrice, actualTime: bar + .minutes(35),
                                                           error: actualPrice - price * exp(predicted), validatedAt: bar + .minutes(35)))
    }

    @Test func hitRateAndWilsonIntervalMatchHandValues() throws {
        // 8 correct, 2 incorrect, 1 flat → hit rate 0.8 over 10 decided; Wilson 95 %: [0.4902, 0.9433].
        var ps: [ScoredPrediction] = []
        for i in 0..<8 { ps.append(try #require(ScoredPrediction(Self.validated(Self.champion, bar: i, predicted: 0.001, actual: 0.01), lastMove: 0.001))) }
        for i in 8..<10 { ps.append(try #require(ScoredPrediction(Self.validated(Self.champion, bar: i, predicted: 0.001, actual: -0.01), lastMove: 0.001))) }
        ps.append(try #require(ScoredPrediction(Self.validated(Self.champion, bar: 10, predicted: 0.001, actual: 0.0001), lastMove: nil)))
        let s = ScoreStats(ps)
        #expect(s.count == 11 && s.correct == 8 && s.incorrect == 2 && s.flat == 1)
        #expect(s.hitRate == 0.8)
        #expect(abs((s.hitRateLower ?? 0) - 0.4901624) < 1e-6)
        #expect(abs((s.hitRateUpper ?? 0) - 0.9433178) < 1e-6)
        // The last-move baseline said "up" on all 10 decided ones: right 8 times.
        #expect(s.lastMoveCount == 10 && s.lastMoveHitRate == 0.8 && s.skillVsLastMove == 0)
    }

    @Test func maeIsInBasisPointsOfThePrice() throws {
        let p = Self.validated(Self.champion, bar: 0, predicted: 0, actual: log(1.002))
        let s = ScoreStats([try #require(ScoredPrediction(p, lastMove: nil))])
        #expect(abs((s.maeBasisPoints ?? 0) - 20) < 1e-9)
        #expect(s.skillVsPersistence == 0)
    }

    @Test func windowsCountBackFromNowByTargetTime() throws {
        let ps = try (0..<300).map { try #require(ScoredPrediction(Self.validated(Self.champion, bar: $0, predicted: 0.001, actual: 0.002), lastMove: nil)) }
        let now = Self.t0 + .minutes(5 * 299 + 35)
        let card = Scorecard(predictions: ps, now: now)
        let counts = Dictionary(uniqueKeysWithValues: try #require(card.models.first).windows.map { ($0.window.name, $0.stats.count) })
        #expect(counts == ["1h": 13, "24h": 289, "7d": 300, "all": 300])
    }

    static func series(_ n: Int, champion: (Int) -> Double, other: ULID, otherError: (Int) -> Double) -> [Prediction] {
        (0..<n).flatMap { i -> [Prediction] in
            let actual = sin(Double(i) * 0.7) * 0.004
            return [validated(Self.champion, bar: i, predicted: actual + champion(i), actual: actual),
                    validated(other, bar: i, predicted: actual + otherError(i), actual: actual)]
        }
    }

    @Test func aClearlyBetterChallengerIsPromotedWithItsEvidence() {
        let ps = Self.series(80, champion: { i in (i % 2 == 0 ? 1 : -1) * 0.003 }, other: Self.challenger,
                             otherError: { i in (i % 3 == 0 ? 1 : -1) * 0.0005 })
        let s = LiveModelReview.Situation(champion: Self.champion, championSince: Self.t0, previous: nil, challengers: [Self.challenger])
        guard case .promote(let id, let detail) = LiveModelReview().decide(s, predictions: ps, now: Self.t0 + .hours(8)) else {
            Issue.record("expected a promotion"); return
        }
        #expect(id == Self.challenger)
        #expect(detail.contains("n=80") && detail.contains("p="))
    }

    @Test func fewerPairsThanTheMinimumPromoteNobody() {
        let ps = Self.series(49, champion: { _ in 0.003 }, other: Self.challenger, otherError: { i in (i % 2 == 0 ? 1 : -1) * 0.0001 })
        let s = LiveModelReview.Situation(champion: Self.champion, championSince: Self.t0, previous: nil, challengers: [Self.challenger])
        #expect(LiveModelReview().decide(s, predictions: ps, now: Self.t0 + .hours(8)) == .keep("no challenger significantly better and champion not failing"))
    }

    @Test func anEquallyGoodChallengerIsNotPromoted() {
        let ps = Self.series(200, champion: { i in (i % 2 == 0 ? 1 : -1) * 0.001 }, other: Self.challenger,
                             otherError: { i in (i % 2 == 0 ? -1 : 1) * 0.001 + (i % 7 == 0 ? 0.0001 : 0) })
        let s = LiveModelReview.Situation(champion: Self.champion, championSince: Self.t0, previous: nil, challengers: [Self.challenger])
        guard case .keep = LiveModelReview().decide(s, predictions: ps, now: Self.t0 + .hours(20)) else { Issue.record("promoted"); return }
    }

    @Test func aChampionWorseThanPersistenceAndItsPredecessorIsRolledBack() {
        let ps = Self.series(100, champion: { i in (i % 2 == 0 ? 1 : -1) * 0.02 }, other: Self.previous, otherError: { _ in 0.0001 })
        let s = LiveModelReview.Situation(champion: Self.champion, championSince: Self.t0, previous: Self.previous, challengers: [])
        guard case .rollback(let to, let detail) = LiveModelReview().decide(s, predictions: ps, now: Self.t0 + .hours(9)) else {
            Issue.record("expected a rollback"); return
        }
        #expect(to == Self.previous)
        #expect(detail.contains("persistence"))
    }

    @Test func aChampionWorseThanPersistenceButBetterThanItsPredecessorStays() {
        let ps = Self.series(100, champion: { _ in 0.02 }, other: Self.previous, otherError: { _ in 0.05 })
        let s = LiveModelReview.Situation(champion: Self.champion, championSince: Self.t0, previous: Self.previous, challengers: [])
        guard case .keep = LiveModelReview().decide(s, predictions: ps, now: Self.t0 + .hours(9)) else { Issue.record("rolled back"); return }
    }

    @Test func predictionsFromBeforeTheChampionTookOverAreIgnored() {
        let ps = Self.series(100, champion: { _ in 0.02 }, other: Self.previous, otherError: { _ in 0.0001 })
        let s = LiveModelReview.Situation(champion: Self.champion, championSince: Self.t0 + .hours(6), previous: Self.previous, challengers: [])
        guard case .keep = LiveModelReview().decide(s, predictions: ps, now: Self.t0 + .hours(9)) else { Issue.record("decided on old data"); return }
    }
}
