import Testing
import Foundation
import Domain
import Storage
@testable import Pipelines

/// The live review's cache of validated returns, against a real store: it must always equal
/// a fresh read, whoever validated what and in whatever order.
struct ValidatedReturnCacheTests {
    static let asset = AssetID("bitcoin")
    static let model = ScorecardTests.champion
    static let other = ScorecardTests.challenger
    static let t0 = ScorecardTests.t0

    /// A pending prediction of `model` for bar `i`.
    static func pending(_ model: ULID, bar i: Int) -> Prediction {
        var p = ScorecardTests.validated(model, bar: i, predicted: 0.001, actual: 0.002 * Double(i % 3 - 1))
        let id = model == Self.model ? "01JRQ7Z4X8M0B6AAAAAAA" : "01JRQ7Z4X8M0B6BBBBBBB"
        p.id = ULID(id + String(format: "%05d", i))!
        p.validation = .pending
        return p
    }

    /// Validates bar `i` of `model` as the validation pipeline would (outcome and actual price).
    static func validate(_ store: SQLiteStore, _ model: ULID, bar i: Int) throws {
        let full = ScorecardTests.validated(model, bar: i, predicted: 0.001, actual: 0.002 * Double(i % 3 - 1))
        let id = ULID((model == Self.model ? "01JRQ7Z4X8M0B6AAAAAAA" : "01JRQ7Z4X8M0B6BBBBBBB") + String(format: "%05d", i))!
        try store.recordValidation(id: id, full.validation)
    }

    static func fresh(_ store: SQLiteStore, _ model: ULID, from: Timestamp) throws -> [ValidatedReturn] {
        try store.validated(asset: asset, modelID: model, since: from).compactMap(ValidatedReturn.init)
    }

    static func store(bars: Int) throws -> SQLiteStore {
        let store = try SQLiteStore.temporary()
        _ = try store.insertAll((0..<bars).flatMap { [pending(model, bar: $0), pending(other, bar: $0)] })
        return store
    }

    @Test func newlyValidatedPredictionsAreAddedToTheCachedSeries() throws {
        let store = try Self.store(bars: 40)
        let cache = ValidatedReturnCache()
        for i in 0..<10 { try Self.validate(store, Self.model, bar: i) }
        let first = try cache.returns(asset: Self.asset, models: [Self.model], from: Self.t0, store: store)
        #expect(first[Self.model]?.count == 10)
        for i in 10..<25 { try Self.validate(store, Self.model, bar: i) }
        let second = try cache.returns(asset: Self.asset, models: [Self.model], from: Self.t0, store: store)
        #expect(second[Self.model] == (try Self.fresh(store, Self.model, from: Self.t0)))
        #expect(second[Self.model]?.count == 25)
    }

    @Test func aPredictionValidatedLateInsideTheSeriesIsNotMissed() throws {
        // Bar 5 stays pending (a price gap) while later bars are validated, then is backfilled.
        let store = try Self.store(bars: 20)
        let cache = ValidatedReturnCache()
        for i in 0..<20 where i != 5 { try Self.validate(store, Self.model, bar: i) }
        #expect(try cache.returns(asset: Self.asset, models: [Self.model], from: Self.t0, store: store)[Self.model]?.count == 19)
        try Self.validate(store, Self.model, bar: 5)
        let after = try cache.returns(asset: Self.asset, models: [Self.model], from: Self.t0, store: store)
        #expect(after[Self.model] == (try Self.fresh(store, Self.model, from: Self.t0)))
        #expect(after[Self.model]?.map(\.barTime).contains(Self.t0 + .minutes(25)) == true)
    }

    @Test func aLaterWindowStartDropsOlderReturns() throws {
        let store = try Self.store(bars: 30)
        let cache = ValidatedReturnCache()
        for i in 0..<30 { try Self.validate(store, Self.model, bar: i) }
        _ = try cache.returns(asset: Self.asset, models: [Self.model], from: Self.t0, store: store)
        let from = Self.t0 + .minutes(35 + 5 * 12)   // the target time of bar 12
        let later = try cache.returns(asset: Self.asset, models: [Self.model], from: from, store: store)
        #expect(later[Self.model] == (try Self.fresh(store, Self.model, from: from)))
        #expect(later[Self.model]?.first?.targetTime == from)
    }

    @Test func eachModelGetsOnlyItsOwnReturnsAndAModelWithoutAnyGetsAnEmptySeries() throws {
        let store = try Self.store(bars: 12)
        let cache = ValidatedReturnCache()
        for i in 0..<12 { try Self.validate(store, Self.model, bar: i) }
        for i in 0..<6 { try Self.validate(store, Self.other, bar: i) }
        let unknown = ScorecardTests.previous
        let returns = try cache.returns(asset: Self.asset, models: [Self.model, Self.other, unknown], from: Self.t0, store: store)
        #expect(returns[Self.model] == (try Self.fresh(store, Self.model, from: Self.t0)))
        #expect(returns[Self.other] == (try Self.fresh(store, Self.other, from: Self.t0)))
        #expect(returns[Self.other]?.count == 6)
        #expect(returns[unknown] == [])
    }

    @Test func theReviewDecidesTheSameFromCachedReturnsAsFromWholePredictions() throws {
        // The challenger's errors are a tenth of the champion's: promoted either way, same evidence.
        var ps: [Prediction] = []
        for i in 0..<120 {
            ps.append(ScorecardTests.validated(Self.model, bar: i, predicted: (i % 2 == 0 ? 1 : -1) * 0.003, actual: 0))
            var challenger = ScorecardTests.validated(Self.other, bar: i, predicted: (i % 2 == 0 ? 1 : -1) * 0.0003, actual: 0)
            challenger.id = Self.pending(Self.other, bar: i).id
            ps.append(challenger)
        }
        let store = try SQLiteStore.temporary()
        _ = try store.insertAll(ps)
        let situation = LiveModelReview.Situation(champion: Self.model, championSince: Self.t0, previous: nil,
                                                  challengers: [Self.other])
        let now = Self.t0 + .hours(12)
        let returns = try ValidatedReturnCache().returns(asset: Self.asset, models: [Self.model, Self.other],
                                                          from: Self.t0, store: store)
        let fromReturns = LiveModelReview().decide(situation, returns: returns, now: now)
        #expect(fromReturns == LiveModelReview().decide(situation, predictions: ps, now: now))
        guard case .promote(let id, _) = fromReturns else { Issue.record("expected a promotion"); return }
        #expect(id == Self.other)
    }
}
