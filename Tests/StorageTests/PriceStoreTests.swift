import Testing
import Domain
import Storage

@Suite("Price store")
struct PriceStoreTests {
    @Test("upserting the same bars twice stores nothing new; a changed close is an update")
    func upsertIdempotent() throws {
        let store = try SQLiteStore.temporary()
        let bars = TestData.bars(count: 20)
        #expect(try store.upsert(bars, asset: TestData.btc) == UpsertCount(inserted: 20))
        #expect(try store.upsert(bars, asset: TestData.btc) == UpsertCount(unchanged: 20))
        var changed = bars
        changed[19].close += 1
        #expect(try store.upsert(changed, asset: TestData.btc) == UpsertCount(updated: 1, unchanged: 19))
        #expect(try store.latestBar(asset: TestData.btc) == changed[19])
        #expect(try store.barCount(asset: TestData.btc) == 20)
        #expect(try store.barCount(asset: TestData.eth) == 0)
    }

    @Test("keyset pages over 1,000 bars visit each bar exactly once, newest first")
    func pagination() throws {
        let store = try SQLiteStore.temporary()
        let bars = TestData.bars(count: 1000)
        _ = try store.upsert(bars, asset: TestData.btc)
        _ = try store.upsert(TestData.bars(count: 50), asset: TestData.eth)
        var seen: [Bar] = []
        var cursor: PageCursor?
        var pages = 0
        repeat {
            let page = try store.barPage(asset: TestData.btc, query: PageQuery(limit: 300, cursor: cursor))
            seen += page.items
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(pages == 4)
        #expect(seen == bars.reversed())
    }

    @Test("pages honour from and to, both inclusive")
    func paginationWithRange() throws {
        let store = try SQLiteStore.temporary()
        let bars = TestData.bars(count: 1000)
        _ = try store.upsert(bars, asset: TestData.btc)
        let from = bars[100].time, to = bars[349].time
        var seen: [Timestamp] = []
        var cursor: PageCursor?
        repeat {
            let page = try store.barPage(asset: TestData.btc, query: PageQuery(limit: 100, from: from, to: to, cursor: cursor))
            seen += page.items.map(\.time)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == bars[100...349].map(\.time).reversed())
        // An exact multiple of the limit ends without an empty trailing page.
        let exact = try store.barPage(asset: TestData.btc, query: PageQuery(limit: 250, from: from, to: to))
        #expect(exact.items.count == 250 && exact.nextCursor == nil)
    }

    @Test("ascending ranges and bar times for pipelines and gap finding")
    func rangesAndTimes() throws {
        let store = try SQLiteStore.temporary()
        var bars = TestData.bars(count: 10)
        bars.remove(at: 4)
        _ = try store.upsert(bars, asset: TestData.btc)
        let range = try store.bars(asset: TestData.btc, from: bars[1].time, to: bars[5].time)
        #expect(range == Array(bars[1...5]))
        let times = try store.barTimes(asset: TestData.btc, from: TestData.t0, to: TestData.t0 + .hours(1))
        #expect(times == bars.map(\.time))
    }

    @Test("the nearest bar within a window, or none beyond it")
    func nearest() throws {
        let store = try SQLiteStore.temporary()
        let bars = TestData.bars(count: 10)
        _ = try store.upsert(bars, asset: TestData.btc)
        let within = Milliseconds.minutes(5)
        #expect(try store.bar(asset: TestData.btc, nearest: bars[3].time + .minutes(1), within: within) == bars[3])
        #expect(try store.bar(asset: TestData.btc, nearest: bars[3].time + .minutes(4), within: within) == bars[4])
        // Exactly between two bars: the earlier.
        #expect(try store.bar(asset: TestData.btc, nearest: bars[3].time + .seconds(150), within: within) == bars[3])
        #expect(try store.bar(asset: TestData.btc, nearest: bars[9].time + .minutes(5), within: within) == bars[9])
        #expect(try store.bar(asset: TestData.btc, nearest: bars[9].time + .minutes(6), within: within) == nil)
    }
}
