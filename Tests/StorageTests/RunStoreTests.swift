import Foundation
import Synchronization
import Testing
import Domain
import Storage

@Suite("Run queue")
struct RunStoreTests {
    @Test("the same idempotency key returns the same run, and says when the body differs")
    func idempotencyKey() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let first = try store.enqueue(TestData.run(ids.next(), .training, key: "k1"), requestHash: "h1")
        #expect(first.disposition == .created)
        _ = try store.claimNext(now: TestData.t0) // running now, so coalescing cannot explain the answer
        let retry = try store.enqueue(TestData.run(ids.next(), .training, key: "k1"), requestHash: "h1")
        #expect(retry.run.id == first.run.id && retry.disposition == .sameIdempotencyKey(sameRequest: true))
        let reused = try store.enqueue(TestData.run(ids.next(), .feature, key: "k1"), requestHash: "other")
        #expect(reused.run.id == first.run.id && reused.disposition == .sameIdempotencyKey(sameRequest: false))
    }

    @Test("a trigger while an identical run is queued returns that run")
    func coalesce() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let queued = try store.enqueue(TestData.run(ids.next(), .feature), requestHash: nil).run
        let again = try store.enqueue(TestData.run(ids.next(), .feature), requestHash: nil)
        #expect(again.run == queued && again.disposition == .alreadyQueued)
        let otherAsset = try store.enqueue(TestData.run(ids.next(), .feature, asset: TestData.eth), requestHash: nil)
        let allAssets = try store.enqueue(TestData.run(ids.next(), .feature, asset: nil), requestHash: nil)
        #expect(otherAsset.disposition == .created && allAssets.disposition == .created)
        #expect(try store.queueDepth() == 3)
    }

    @Test("claimNext takes the oldest startable run and never a second of a running (pipeline, asset)")
    func claimOrder() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let a = try store.enqueue(TestData.run(ids.next(), .feature, at: TestData.t0), requestHash: nil).run
        let claimed = try #require(try store.claimNext(now: TestData.t0 + .seconds(1)))
        #expect(claimed.id == a.id && claimed.status == .running && claimed.startedAt == TestData.t0 + .seconds(1))
        let b = try store.enqueue(TestData.run(ids.next(), .feature, at: TestData.t0 + .seconds(2)), requestHash: nil).run
        let all = try store.enqueue(TestData.run(ids.next(), .feature, asset: nil, at: TestData.t0 + .seconds(3)), requestHash: nil).run
        let c = try store.enqueue(TestData.run(ids.next(), .drift, at: TestData.t0 + .seconds(4)), requestHash: nil).run
        #expect(try store.claimNext(now: TestData.t0)?.id == c.id)
        #expect(try store.claimNext(now: TestData.t0) == nil) // b and `all` overlap the running feature run
        try store.finish(id: a.id, status: .succeeded, result: .object([("bars", .number(12))]), error: nil, at: TestData.t0 + .seconds(5))
        #expect(try store.claimNext(now: TestData.t0)?.id == b.id)
        #expect(try store.claimNext(now: TestData.t0) == nil) // `all` overlaps b
        #expect(try store.run(id: a.id)?.result?["bars"]?.doubleValue == 12)
        #expect(try store.run(id: all.id)?.status == .queued)
    }

    @Test("a succeeded run shows full progress; a failed one keeps what it reported")
    func finishedProgress() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        for (status, expected) in [(RunStatus.succeeded, 1.0), (.failed, 0.25)] {
            _ = try store.enqueue(TestData.run(ids.next(), .training, at: TestData.t0), requestHash: nil)
            var running = try #require(try store.claimNext(now: TestData.t0))
            running.progress = 0.25
            try store.update(running)
            let finished = try store.finish(id: running.id, status: status, result: nil, error: nil, at: TestData.t0 + .seconds(1))
            #expect(finished.progress == expected)
            #expect(try store.run(id: running.id)?.progress == expected)
        }
    }

    @Test("eight threads claiming at once never run two overlapping runs")
    func concurrentClaims() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let pairs: [(PipelineKind, AssetID?)] = [(.feature, TestData.btc), (.feature, TestData.eth), (.training, TestData.btc),
                                                 (.inference, nil), (.drift, TestData.btc), (.feature, nil)]
        for (p, a) in pairs { _ = try store.enqueue(TestData.run(ids.next(), p, asset: a), requestHash: nil) }
        struct Ledger { var running: [ULID: (PipelineKind, AssetID?)] = [:]; var overlaps = 0; var claims = 0; var failures = 0 }
        let ledger = Mutex(Ledger())
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<15 {
                do {
                    guard let run = try store.claimNext(now: TestData.t0) else { Thread.sleep(forTimeInterval: 0.001); continue }
                    ledger.withLock { l in
                        l.claims += 1
                        if l.running.values.contains(where: { $0.0 == run.pipeline && ($0.1 == nil || run.asset == nil || $0.1 == run.asset) }) {
                            l.overlaps += 1
                        }
                        l.running[run.id] = (run.pipeline, run.asset)
                    }
                    Thread.sleep(forTimeInterval: 0.002)
                    ledger.withLock { _ = $0.running.removeValue(forKey: run.id) }
                    try store.finish(id: run.id, status: .succeeded, result: nil, error: nil, at: TestData.t0)
                    _ = try store.enqueue(TestData.run(ids.next(), run.pipeline, asset: run.asset), requestHash: nil)
                } catch {
                    ledger.withLock { $0.failures += 1 }
                }
            }
        }
        let l = ledger.withLock { $0 }
        #expect(l.overlaps == 0 && l.failures == 0)
        #expect(l.claims >= pairs.count)
        #expect(try store.runs(filter: RunFilter(status: .running), query: PageQuery()).items.isEmpty)
    }

    @Test("only queued runs can be cancelled")
    func cancel() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let running = try store.enqueue(TestData.run(ids.next(), .training), requestHash: nil).run
        _ = try store.claimNext(now: TestData.t0)
        let queued = try store.enqueue(TestData.run(ids.next(), .feature), requestHash: nil).run
        #expect(try store.cancel(id: queued.id, at: TestData.t0)?.status == .cancelled)
        #expect(try store.cancel(id: running.id, at: TestData.t0)?.status == .running)
        #expect(try store.cancel(id: ids.next(), at: TestData.t0) == nil)
        let finishAgain = #expect(throws: StoreError.self) {
            try store.finish(id: queued.id, status: .failed, result: nil, error: nil, at: TestData.t0)
        }
        #expect(finishAgain?.isConflict == true)
    }

    @Test("runs left running are marked failed as interrupted at start-up")
    func interrupted() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        let a = try store.enqueue(TestData.run(ids.next(), .training), requestHash: nil).run
        _ = try store.enqueue(TestData.run(ids.next(), .feature), requestHash: nil)
        _ = try store.claimNext(now: TestData.t0)
        #expect(try store.markInterrupted(at: TestData.t0 + .minutes(1)) == 1)
        let failed = try #require(try store.run(id: a.id))
        #expect(failed.status == .failed && failed.error == .interrupted && failed.finishedAt == TestData.t0 + .minutes(1))
        #expect(try store.lastRun(pipeline: .training, asset: TestData.btc, status: .failed)?.id == a.id)
        #expect(try store.lastRun(pipeline: .training, asset: TestData.btc, status: .succeeded) == nil)
        #expect(try store.queueDepth() == 1)
    }

    @Test("run lists are newest first with filters and cursors")
    func listing() throws {
        let store = try SQLiteStore.temporary()
        let ids = TestData.ids()
        for i in 0..<30 {
            var run = TestData.run(ids.next(), i % 2 == 0 ? .feature : .drift, at: TestData.t0 + .seconds(Int64(i)))
            run.status = .succeeded
            _ = try store.enqueue(run, requestHash: nil)
        }
        var seen: [Run] = []
        var cursor: PageCursor?
        repeat {
            let page = try store.runs(filter: RunFilter(pipeline: .feature), query: PageQuery(limit: 4, cursor: cursor))
            seen += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 15 && seen.allSatisfy { $0.pipeline == .feature })
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.requestedAt > $1.requestedAt })
        var updated = seen[0]
        updated.progress = 0.4
        updated.reason = "drift on 2 checks"
        try store.update(updated)
        #expect(try store.run(id: updated.id) == updated)
    }
}
