import Testing
import Foundation
import Domain
import MarketData
import Pipelines
import Statistics
import Storage

/// Two replayed days of real data through the whole prediction side (see ``TwoDaySimulation``).
@Suite(.serialized) struct TwoDayReplayTests {
    /// Built on a thread of its own: the pipelines block on async sources (`blockingAwait`), which
    /// must never happen on Swift's cooperative pool while other tests need it.
    func world() async throws -> TwoDaySimulation {
        try await withCheckedThrowingContinuation { c in Thread { c.resume(with: TwoDaySimulation.shared) }.start() }
    }

    @Test func onePredictionPerAssetPerModelPerBar() async throws {
        let w = try await world()
        var total = 0
        for a in TwoDaySimulation.assets {
            let all = try w.allPredictions(a, store: w.store)
            total += all.count
            let byBar = Dictionary(grouping: all, by: { TwoDaySimulation.key(a, $0.barTime) })
            #expect(byBar.count >= TwoDaySimulation.steps - 2, "a bar without predictions for \(a)")
            for (key, ps) in byBar {
                #expect(Set(ps.map(\.modelID)).count == ps.count, "duplicate model at \(key)")
                #expect(ps.filter { !$0.shadow }.count == 1, "not exactly one champion prediction at \(key)")
                if let models = w.expected[key] { #expect(Set(ps.map(\.modelID)) == models, "models differ at \(key)") }
            }
        }
        #expect(total == w.expected.values.reduce(0) { $0 + $1.count })
        #expect(w.secondRunCreated == 0)
    }

    @Test func everyPredictionStartsFromTheRawBarAndItsTargetIsTheCloseHalfAnHourLater() async throws {
        let w = try await world()
        for a in TwoDaySimulation.assets {
            let close = Dictionary((w.data.series[a] ?? []).map { ($0.time, $0.close) }, uniquingKeysWith: { x, _ in x })
            for p in try w.allPredictions(a, store: w.store) {
                #expect(close[p.barTime] == p.price)
                #expect(p.targetTime == p.barTime + .minutes(35))
                #expect(abs(p.predictedPrice - p.price * exp(p.predictedReturn)) <= 1e-9 * p.price)
                #expect(p.direction == (p.predictedReturn > 0 ? .up : .down))
            }
        }
    }

    @Test func everyOutcomeMatchesOneRecomputedFromTheRawPrices() async throws {
        let w = try await world()
        var validated = 0
        for a in TwoDaySimulation.assets {
            for p in try w.allPredictions(a, store: w.store) {
                guard p.targetTime <= w.finalNow - BarGrid.step - .minutes(5) else { continue }
                let bar = try #require(w.rawActual(a, target: p.targetTime))
                let move = bar.close / p.price - 1
                let outcome: Outcome = abs(move) < 0.001 ? .flat : ((move > 0) == (p.direction == .up) ? .correct : .incorrect)
                #expect(p.validation.outcome == outcome, "\(p.id)")
                #expect(p.validation.actualPrice == bar.close)
                #expect(p.validation.error == bar.close - p.predictedPrice)
                validated += 1
            }
        }
        #expect(validated > 2 * 500)
    }

    @Test func scorecardNumbersMatchAnIndependentRecomputation() async throws {
        let w = try await world()
        let a = AssetID("bitcoin")
        let validated = try w.store.validated(asset: a, modelID: nil, since: Timestamp(milliseconds: 0))
        let card = Scorecard(predictions: try ScoredPredictionLoader(prices: w.store).scored(validated), now: w.finalNow)
        let raw = w.data.series[a] ?? []
        let close = Dictionary(raw.map { ($0.time, $0.close) }, uniquingKeysWith: { x, _ in x })
        #expect(!card.models.isEmpty)
        for m in card.models {
            let mine = validated.filter { $0.modelID == m.modelID }
            guard let all = m.windows.first(where: { $0.window.name == "all" })?.stats else { Issue.record("no all window"); continue }
            var correct = 0, incorrect = 0, flat = 0, absBps = 0.0, se = 0.0, sp = 0.0, baseN = 0, baseHits = 0
            for p in mine {
                let actual = try #require(w.rawActual(a, target: p.targetTime)).close
                let move = actual / p.price - 1
                if abs(move) < 0.001 { flat += 1 } else if (move > 0) == (p.direction == .up) { correct += 1 } else { incorrect += 1 }
                absBps += abs(actual - p.predictedPrice) / p.price * 10_000
                let r = log(actual / p.price)
                se += (p.predictedReturn - r) * (p.predictedReturn - r); sp += r * r
                if abs(move) >= 0.001, let c0 = close[p.barTime], let c1 = close[p.barTime - .minutes(5)] {
                    baseN += 1
                    if (c0 / c1 - 1 > 0) == (move > 0) { baseHits += 1 }
                }
            }
            #expect(all.count == mine.count)
            #expect(all.correct == correct && all.incorrect == incorrect && all.flat == flat)
            let n = Double(correct + incorrect), phat = Double(correct) / n, z = 1.959963984540054
            let centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
            let half = z / (1 + z * z / n) * (phat * (1 - phat) / n + z * z / (4 * n * n)).squareRoot()
            #expect(abs((all.hitRate ?? -1) - phat) < 1e-12)
            #expect(abs((all.hitRateLower ?? -1) - (centre - half)) < 1e-9)
            #expect(abs((all.hitRateUpper ?? -1) - (centre + half)) < 1e-9)
            #expect(abs((all.maeBasisPoints ?? -1) - absBps / Double(mine.count)) < 1e-9)
            let skill = 1 - (se / Double(mine.count)).squareRoot() / (sp / Double(mine.count)).squareRoot()
            #expect(abs((all.skillVsPersistence ?? -99) - skill) < 1e-9)
            #expect(all.lastMoveCount == baseN)
            #expect(abs((all.lastMoveHitRate ?? -1) - Double(baseHits) / Double(baseN)) < 1e-12)
        }
    }

    @Test func replayingEveryPredictionGivesTheSameNumbers() async throws {
        let w = try await world()
        var replayed = 0
        for a in TwoDaySimulation.assets {
            for p in try w.allPredictions(a, store: w.store) {
                let r = try w.replayer.replay(p)
                #expect(r.identical, "\(p.id) replays to \(r.predictedReturn), stored \(p.predictedReturn)")
                replayed += 1
            }
        }
        #expect(replayed > 1000)
    }

    @Test func explanationsAddUpToThePrediction() async throws {
        let w = try await world()
        let a = AssetID("ethereum")
        for p in try w.allPredictions(a, store: w.store).prefix(40) {
            let e = try w.replayer.explain(p)
            #expect(e.additive)
            #expect(abs(e.prediction - p.predictedReturn) <= 1e-12)
            #expect(e.contributions.count == FeatureSetVersion.v1.columns.count)
        }
    }

    @Test func predictionsSurviveRetrainingAndAStoreReopen() async throws {
        let w = try await world()
        #expect(w.countsBeforeTraining.count >= 7)
        #expect(zip(w.countsBeforeTraining, w.countsBeforeTraining.dropFirst()).allSatisfy { $0 < $1 })
        let reopened = try SQLiteStore.open(path: w.path)
        #expect(try reopened.count(asset: nil) == w.store.count(asset: nil))
        let warm = LatestPredictions()
        try warm.warm(from: reopened, models: reopened, assets: TwoDaySimulation.assets)
        for a in TwoDaySimulation.assets {
            let before = try #require(w.latest.entry(a)?.prediction)
            #expect(warm.entry(a)?.prediction == before)
            #expect(try reopened.prediction(id: before.id) == before)
        }
    }

    @Test func everyChangeOfProductionIsRecordedWithItsReason() async throws {
        let w = try await world()
        for a in TwoDaySimulation.assets {
            let history = try w.store.history(asset: a, query: PageQuery(limit: 1000)).items
            #expect(history.last?.reason == .training)
            for c in history where c.reason == .promotion { #expect(c.detail.contains("Diebold-Mariano")) }
            for c in history where c.reason == .rollback { #expect(c.detail.contains("persistence")) }
        }
    }
}
