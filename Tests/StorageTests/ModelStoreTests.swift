import Testing
import Domain
import Storage

@Suite("Model registry")
struct ModelStoreTests {
    @Test("a registered version reads back with its artifact")
    func register() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        var v = TestData.model(ids.next(), family: .xgboost)
        v.hyperparameters = .object([("trees", .number(100)), ("max_depth", .number(6)), ("learning_rate", .number(0.1)),
                                     ("lambda", .number(1)), ("objective", .string("reg:squarederror")),
                                     ("histogram", .object([("bins", .number(256)), ("adaptive", .bool(false))]))])
        try store.register(v, artifact: [1, 2, 3, 255])
        #expect(try store.version(id: v.id) == v)
        #expect(try store.artifact(id: v.id) == [1, 2, 3, 255])
        let duplicate = #expect(throws: StoreError.self) { try store.register(v, artifact: []) }
        #expect(duplicate?.isConflict == true)
    }

    @Test("changing production archives the old one, records history, and leaves exactly one production")
    func changeProduction() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let a = TestData.model(ids.next(), createdAt: TestData.t0)
        let b = TestData.model(ids.next(), stage: .challenger, createdAt: TestData.t0 + .minutes(30))
        try store.register(a, artifact: [1])
        try store.register(b, artifact: [2])
        let first = try store.changeProduction(asset: TestData.btc, to: a.id, reason: .training, detail: "no champion",
                                               at: TestData.t0, changeID: ids.next(), previousStage: .archived)
        #expect(first.from == nil && first.to == a.id)
        #expect(try store.challengers(asset: TestData.btc).map(\.id) == [b.id])
        let second = try store.changeProduction(asset: TestData.btc, to: b.id, reason: .promotion, detail: "DM p=0.01",
                                                at: TestData.t0 + .hours(1), changeID: ids.next(), previousStage: .archived)
        #expect(second.from == a.id)
        #expect(try store.production(asset: TestData.btc, featureSet: "v1")?.id == b.id)
        #expect(try store.version(id: a.id)?.stage == .archived)
        let productions = try store.versions(filter: ModelVersionFilter(asset: TestData.btc, stage: .production), query: PageQuery())
        #expect(productions.items.map(\.id) == [b.id])
        #expect(try store.history(asset: TestData.btc, query: PageQuery()).items == [second, first])
        #expect(try store.history(asset: TestData.eth, query: PageQuery()).items.isEmpty)

        let again = #expect(throws: StoreError.self) {
            try store.changeProduction(asset: TestData.btc, to: b.id, reason: .manual, detail: "", at: TestData.t0,
                                       changeID: ids.next(), previousStage: .archived)
        }
        #expect(again?.isConflict == true)
        let wrongAsset = #expect(throws: StoreError.self) {
            try store.changeProduction(asset: TestData.eth, to: a.id, reason: .manual, detail: "", at: TestData.t0,
                                       changeID: ids.next(), previousStage: .archived)
        }
        #expect(wrongAsset?.isConflict == true)
        let viaStage = #expect(throws: StoreError.self) { try store.setStage(id: a.id, stage: .production) }
        #expect(viaStage?.isConflict == true)
        #expect(try store.production(asset: TestData.btc, featureSet: "v1")?.id == b.id)
    }

    @Test("pruning drops old artifact bytes but keeps metadata, production, challengers and the rollback target")
    func prune() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        var versions: [ModelVersion] = []
        for i in 0..<8 {
            let v = TestData.model(ids.next(), createdAt: TestData.t0 + .minutes(Int64(i)))
            try store.register(v, artifact: [UInt8(i)])
            versions.append(v)
        }
        try store.register(TestData.model(ids.next(), asset: TestData.eth), artifact: [9])
        _ = try store.changeProduction(asset: TestData.btc, to: versions[0].id, reason: .training, detail: "", at: TestData.t0,
                                       changeID: ids.next(), previousStage: .archived)
        _ = try store.changeProduction(asset: TestData.btc, to: versions[1].id, reason: .promotion, detail: "", at: TestData.t0 + .hours(1),
                                       changeID: ids.next(), previousStage: .archived)
        try store.setStage(id: versions[2].id, stage: .challenger)
        // Newest two kept (7, 6); 1 is production, 2 a challenger, 0 the rollback target; 3, 4, 5 lose their bytes.
        #expect(try store.pruneArtifacts(keepPerAsset: 2) == 3)
        let kept = try versions.map { try store.artifact(id: $0.id) != nil }
        #expect(kept == [true, true, true, false, false, false, true, true])
        #expect(try versions.allSatisfy { try store.version(id: $0.id) != nil })
        #expect(try store.pruneArtifacts(keepPerAsset: 2) == 0)
    }

    @Test("a version that made a prediction keeps its bytes through every later prune")
    func predictedVersionsArePinned() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        var versions: [ModelVersion] = []
        for i in 0..<6 {
            let v = TestData.model(ids.next(), createdAt: TestData.t0 + .minutes(Int64(i)))
            try store.register(v, artifact: [UInt8(i)])
            versions.append(v)
        }
        _ = try store.insert(TestData.prediction(ids.next(), model: versions[1].id, bar: TestData.t0))
        // Newest two kept (5, 4); 1 predicted; 0, 2, 3 lose their bytes.
        #expect(try store.pruneArtifacts(keepPerAsset: 2) == 3)
        for i in 6..<12 {
            try store.register(TestData.model(ids.next(), createdAt: TestData.t0 + .minutes(Int64(i))), artifact: [UInt8(i)])
        }
        #expect(try store.pruneArtifacts(keepPerAsset: 2) == 6)
        #expect(try store.artifact(id: versions[1].id) == [1])
        #expect(try versions.map { try store.artifact(id: $0.id) != nil } == [false, true, false, false, false, false])
    }

    @Test("registry pages filter by family and are newest first")
    func pages() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        for i in 0..<12 {
            try store.register(TestData.model(ids.next(), family: i % 3 == 0 ? .ridge : .xgboost,
                                              createdAt: TestData.t0 + .minutes(Int64(i))), artifact: [])
        }
        let first = try store.versions(filter: ModelVersionFilter(family: .xgboost), query: PageQuery(limit: 5))
        #expect(first.items.count == 5 && first.nextCursor != nil)
        let second = try store.versions(filter: ModelVersionFilter(family: .xgboost), query: PageQuery(limit: 5, cursor: first.nextCursor))
        #expect(second.items.count == 3 && second.nextCursor == nil)
        let all = first.items + second.items
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.createdAt > $1.createdAt })
    }
}
