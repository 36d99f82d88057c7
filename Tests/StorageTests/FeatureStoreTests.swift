import Testing
import Domain
import Storage

@Suite("Feature store")
struct FeatureStoreTests {
    static func rows(count: Int, targets: Bool) -> [FeatureRow] {
        (0..<count).map { i in
            var values = (0..<32).map { Double($0) * 0.5 + Double(i) }
            if i < 3 { values[5] = .nan } // warm-up rows are incomplete
            let t = targets ? FeatureTargets(futurePrice: 101, targetReturn: 0.01, targetLogReturn: 0.00995, targetDirection: 1) : nil
            return FeatureRow(asset: TestData.btc, featureSet: "v1", time: TestData.t0 + BarGrid.step * Int64(i),
                              close: 100 + Double(i), values: values, targets: t)
        }
    }

    @Test("rows round-trip bit for bit, NaN included, and a later upsert fills in targets")
    func upsertAndFillTargets() throws {
        let store = try SQLiteStore.temporary()
        let bare = Self.rows(count: 10, targets: false)
        #expect(try store.upsert(bare) == UpsertCount(inserted: 10))
        #expect(try store.upsert(bare) == UpsertCount(unchanged: 10))
        let stored = try store.rows(asset: TestData.btc, featureSet: "v1", from: TestData.t0, to: TestData.t0 + .days(1), selection: .all)
        #expect(stored.count == 10)
        #expect(stored[0].values[5].isNaN && stored[0].values[6] == 3)
        #expect(stored[9].values == bare[9].values && stored[9].targets == nil)

        var filled = bare
        for i in 0..<6 { filled[i].targets = Self.rows(count: 1, targets: true)[0].targets }
        #expect(try store.upsert(filled) == UpsertCount(updated: 6, unchanged: 4))
        let trainable = try store.rows(asset: TestData.btc, featureSet: "v1", from: TestData.t0, to: TestData.t0 + .days(1),
                                       selection: .completeWithTargets)
        #expect(trainable.map(\.time) == filled[3..<6].map(\.time))
        let complete = try store.rows(asset: TestData.btc, featureSet: "v1", from: TestData.t0, to: TestData.t0 + .days(1),
                                      selection: .complete)
        #expect(complete.count == 7)
        #expect(try store.latestRow(asset: TestData.btc, featureSet: "v1")?.time == bare[9].time)
        #expect(try store.rowCount(asset: TestData.btc, featureSet: "v1") == 10)
    }

    @Test("a window's row count per selection equals the rows it would read")
    func windowCounts() throws {
        let store = try SQLiteStore.temporary()
        var rows = Self.rows(count: 10, targets: false)
        for i in 0..<6 { rows[i].targets = Self.rows(count: 1, targets: true)[0].targets }
        _ = try store.upsert(rows)
        let from = TestData.t0 + BarGrid.step, to = TestData.t0 + BarGrid.step * 8
        for selection in [FeatureRowSelection.all, .complete, .completeWithTargets] {
            let read = try store.rows(asset: TestData.btc, featureSet: "v1", from: from, to: to, selection: selection)
            #expect(try store.rowCount(asset: TestData.btc, featureSet: "v1", from: from, to: to, selection: selection) == read.count)
        }
        #expect(try store.rowCount(asset: TestData.btc, featureSet: "v1", from: from, to: to, selection: .all) == 8)
        #expect(try store.rowCount(asset: TestData.btc, featureSet: "v1", from: from, to: to, selection: .completeWithTargets) == 3)
    }

    @Test("row pages are newest first and complete")
    func pages() throws {
        let store = try SQLiteStore.temporary()
        _ = try store.upsert(Self.rows(count: 25, targets: false))
        var times: [Timestamp] = []
        var cursor: PageCursor?
        repeat {
            let page = try store.rowPage(asset: TestData.btc, featureSet: "v1", query: PageQuery(limit: 10, cursor: cursor))
            times += page.items.map(\.time)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(times == Self.rows(count: 25, targets: false).map(\.time).reversed())
    }

    @Test("pipeline state is bytes per asset and key, overwritten in place")
    func pipelineState() throws {
        let store = try SQLiteStore.temporary()
        #expect(try store.pipelineState(asset: TestData.btc, key: "ema") == nil)
        try store.setPipelineState(asset: TestData.btc, key: "ema", bytes: [1, 2, 3])
        try store.setPipelineState(asset: TestData.btc, key: "ema", bytes: [4, 5])
        try store.setPipelineState(asset: TestData.eth, key: "ema", bytes: [9])
        #expect(try store.pipelineState(asset: TestData.btc, key: "ema") == [4, 5])
        #expect(try store.pipelineState(asset: TestData.eth, key: "ema") == [9])
    }
}
