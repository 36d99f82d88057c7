import Domain
import Foundation
import Jobs
import Storage
import Synchronization
import Testing

/// Triggers, coalescing, idempotency, cancellation and the interrupted-run rule.
@Suite struct RunQueueTests {
    let bitcoin = AssetID("bitcoin")

    @Test func aHundredConcurrentTriggersMakeOneQueuedRun() throws {
        let h = try JobsHarness()
        let ids = Mutex<[ULID]>([])
        let threads = (0..<100).map { _ in
            Thread { [queue = h.queue, bitcoin] in
                if let r = try? queue.trigger(.training, asset: bitcoin, trigger: .api) { ids.withLock { $0.append(r.run.id) } }
            }
        }
        threads.forEach { $0.start() }
        #expect(h.wait { ids.withLock { $0.count } == 100 })
        #expect(Set(ids.withLock { $0 }).count == 1)
        #expect(try h.store.queueDepth() == 1)
        #expect(h.pool.drain() == 1)
        #expect(h.pipelines[.training]?.calls == 1)
    }

    @Test func theSameIdempotencyKeyReturnsTheSameRunEvenAfterItFinished() throws {
        let h = try JobsHarness()
        let body = Array("{\"asset\":\"bitcoin\"}".utf8)
        let first = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api, idempotencyKey: "k-1", requestBody: body)
        h.pool.drain()
        let again = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api, idempotencyKey: "k-1", requestBody: body)
        #expect(first.disposition == .created)
        #expect(again.disposition == .sameIdempotencyKey(sameRequest: true))
        #expect(again.run.id == first.run.id)
        #expect(again.run.status == .succeeded)
        #expect(try h.store.queueDepth() == 0)
    }

    @Test func reusingAnIdempotencyKeyWithAnotherBodyIsDetected() throws {
        let h = try JobsHarness()
        _ = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api, idempotencyKey: "k-2", requestBody: Array("{}".utf8))
        let other = try h.queue.trigger(.feature, asset: nil, trigger: .api, idempotencyKey: "k-2",
                                        requestBody: Array("{\"asset\":\"ethereum\"}".utf8))
        #expect(other.disposition == .sameIdempotencyKey(sameRequest: false))
    }

    @Test func aQueuedRunCanBeCancelledAndNeverExecutes() throws {
        let h = try JobsHarness()
        let queued = try h.queue.trigger(.training, asset: bitcoin, trigger: .api).run
        let cancelled = try #require(try h.queue.cancel(id: queued.id))
        #expect(cancelled.status == .cancelled)
        #expect(h.pool.drain() == 0)
        #expect(h.pipelines[.training]?.calls == 0)
    }

    @Test func aRunningRunStopsAtItsNextCheckpointWhenCancelled() throws {
        let h = try JobsHarness([FakePipeline(.training, body: waitForCancellation)],
                                configuration: WorkerPoolConfiguration(workers: 1))
        h.pool.start()
        defer { h.pool.stop(grace: 2) }
        let run = try h.queue.trigger(.training, asset: bitcoin, trigger: .api).run
        #expect(h.wait { h.pipelines[.training]?.active == 1 })
        let answer = try #require(try h.queue.cancel(id: run.id))
        #expect(answer.status == .running)
        #expect(try h.wait { try h.store.run(id: run.id)?.status == .cancelled })
        #expect(try h.store.run(id: run.id)?.finishedAt != nil)
    }

    @Test func aFinishedRunCannotBeCancelled() throws {
        let h = try JobsHarness()
        let run = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api).run
        h.pool.drain()
        #expect(try h.queue.cancel(id: run.id)?.status == .succeeded)
    }

    @Test func runsLeftRunningByADeadProcessAreMarkedInterrupted() throws {
        let h = try JobsHarness()
        let run = try h.queue.trigger(.training, asset: bitcoin, trigger: .api).run
        #expect(try h.store.claimNext(now: h.clock.now())?.id == run.id)
        // The process dies here; a new one starts on the same store.
        #expect(try h.store.markInterrupted(at: h.clock.now()) == 1)
        let after = try #require(try h.store.run(id: run.id))
        #expect(after.status == .failed)
        #expect(after.error == .interrupted)
        // The next trigger is not blocked by the dead run.
        _ = try h.queue.trigger(.training, asset: bitcoin, trigger: .api)
        #expect(h.pool.drain() == 1)
    }
}
