import Testing
import Domain
import Storage

@Suite("Prediction ledger")
struct PredictionStoreTests {
    @Test("a second insert for the same asset, model and bar returns the stored prediction")
    func insertIdempotent() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let model = ids.next()
        let first = TestData.prediction(ids.next(), model: model, bar: TestData.t0)
        let (stored, inserted) = try store.insert(first)
        #expect(inserted && stored == first)
        var retry = TestData.prediction(ids.next(), model: model, bar: TestData.t0)
        retry.predictedReturn = 0.5
        let (again, insertedAgain) = try store.insert(retry)
        #expect(!insertedAgain)
        #expect(again == first)
        #expect(try store.count(asset: TestData.btc) == 1)
        #expect(try store.prediction(id: first.id) == first)
    }

    @Test("recording a validation changes the validation fields and nothing else")
    func validationOnly() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let p = TestData.prediction(ids.next(), model: ids.next(), bar: TestData.t0)
        _ = try store.insert(p)
        let v = PredictionValidation(outcome: .correct, actualPrice: 85_502.10, actualTime: p.targetTime, error: 86.28,
                                     validatedAt: p.targetTime + .minutes(1), note: nil)
        let updated = try store.recordValidation(id: p.id, v)
        var expected = p
        expected.validation = v
        #expect(updated == expected)
        #expect(try store.prediction(id: p.id) == expected)
        let error = #expect(throws: StoreError.self) { try store.recordValidation(id: ids.next(), v) }
        #expect(error?.isNotFound == true)
    }

    @Test("pending due, latest and validated lists")
    func queues() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let champion = ids.next(), challenger = ids.next()
        var made: [Prediction] = []
        for i in 0..<10 {
            let bar = TestData.t0 + BarGrid.step * Int64(i)
            made.append(try store.insert(TestData.prediction(ids.next(), model: champion, bar: bar)).prediction)
            _ = try store.insert(TestData.prediction(ids.next(), model: challenger, bar: bar, shadow: true))
        }
        #expect(try store.latest(asset: TestData.btc, shadow: false) == made[9])
        #expect(try store.latest(asset: TestData.btc, shadow: true)?.modelID == challenger)
        let due = try store.pendingDue(before: made[3].targetTime, limit: 100)
        #expect(due.count == 8 && due.allSatisfy { $0.targetTime <= made[3].targetTime })
        #expect(try store.pendingDue(before: made[3].targetTime, limit: 3).count == 3)
        _ = try store.recordValidation(id: made[0].id, PredictionValidation(outcome: .flat, validatedAt: made[0].targetTime))
        _ = try store.recordValidation(id: made[1].id, PredictionValidation(outcome: .incorrect, validatedAt: made[1].targetTime))
        #expect(try store.pendingDue(before: made[3].targetTime, limit: 100).count == 6)
        #expect(try store.validated(asset: TestData.btc, modelID: champion, since: TestData.t0).map(\.id) == [made[0].id, made[1].id])
        #expect(try store.validated(asset: TestData.btc, modelID: challenger, since: TestData.t0).isEmpty)
        #expect(try store.count(asset: nil) == 20)
    }

    @Test("pages are newest first by bar time, filter by outcome, model and shadow, and visit each once")
    func pages() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let models = [ids.next(), ids.next(), ids.next()]
        for i in 0..<40 {
            for (m, model) in models.enumerated() {
                let p = TestData.prediction(ids.next(), model: model, bar: TestData.t0 + BarGrid.step * Int64(i), shadow: m > 0)
                _ = try store.insert(p)
                if i % 4 == 0 { _ = try store.recordValidation(id: p.id, PredictionValidation(outcome: .correct)) }
            }
        }
        var all: [Prediction] = []
        var cursor: PageCursor?
        repeat {
            let page = try store.page(asset: TestData.btc, filter: PredictionFilter(), query: PageQuery(limit: 7, cursor: cursor))
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(all.count == 120 && Set(all.map(\.id)).count == 120)
        #expect(zip(all, all.dropFirst()).allSatisfy { ($0.barTime, $0.id) > ($1.barTime, $1.id) })
        let correct = try store.page(asset: TestData.btc, filter: PredictionFilter(outcome: .correct), query: PageQuery(limit: 1000))
        #expect(correct.items.count == 30)
        let pendingChampion = try store.page(asset: TestData.btc, filter: PredictionFilter(outcome: .pending, shadow: false),
                                             query: PageQuery(limit: 1000))
        #expect(pendingChampion.items.count == 30 && pendingChampion.items.allSatisfy { $0.modelID == models[0] })
        let one = try store.page(asset: TestData.btc, filter: PredictionFilter(modelID: models[2]),
                                 query: PageQuery(limit: 1000, from: TestData.t0 + .hours(1)))
        #expect(one.items.count == 28 && one.items.allSatisfy { $0.modelID == models[2] })
    }
}

extension StoreError {
    var isNotFound: Bool { if case .notFound = self { return true }; return false }
    var isConflict: Bool { if case .conflict = self { return true }; return false }
}
