import Domain
import Foundation
@testable import Jobs
import Storage
import Pipelines
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The worker pool: no overlap, training limit, retries with backoff, timeouts, observers.
@Suite struct WorkerPoolTests {
    let bitcoin = AssetID("bitcoin"), ethereum = AssetID("ethereum")

    @Test func runsOfOnePipelineAndAssetNeverOverlap() throws {
        let slow = FakePipeline(.feature) { _, _ in Thread.sleep(forTimeInterval: 0.01) }
        let h = try JobsHarness([slow], configuration: WorkerPoolConfiguration(workers: 4))
        h.pool.start()
        defer { h.pool.stop(grace: 2) }
        for _ in 0..<40 {
            _ = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api)
            Thread.sleep(forTimeInterval: 0.003)
        }
        #expect(try h.wait { try h.store.queueDepth() == 0 && slow.active == 0 })
        #expect(slow.calls > 1)
        #expect(slow.maxActive == 1)
    }

    @Test func differentAssetsRunInParallelButTrainingIsLimitedToOneAtATime() throws {
        let feature = FakePipeline(.feature) { _, _ in Thread.sleep(forTimeInterval: 0.1) }
        let training = FakePipeline(.training) { _, _ in Thread.sleep(forTimeInterval: 0.1) }
        let h = try JobsHarness([feature, training], assets: [bitcoin, ethereum],
                                configuration: WorkerPoolConfiguration(workers: 4, maxConcurrentTraining: 1))
        h.pool.start()
        defer { h.pool.stop(grace: 2) }
        for a in [bitcoin, ethereum] {
            _ = try h.queue.trigger(.feature, asset: a, trigger: .api)
            _ = try h.queue.trigger(.training, asset: a, trigger: .api)
        }
        #expect(try h.wait { try h.runs(status: .succeeded).count == 4 })
        #expect(feature.maxActive == 2)
        #expect(training.maxActive == 1)
    }

    @Test func sourceErrorsAreRetriedWithBackoffUntilTheyPass() throws {
        let flaky = FakePipeline(.feature) { context, call in
            if call < 3 { throw PipelineError.source(asset: AssetID("bitcoin"), .unreachable("timeout")) }
        }
        let h = try JobsHarness([flaky], configuration: WorkerPoolConfiguration(workers: 1, maxAttempts: 3, retryBackoff: 0.05))
        let run = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api).run
        let started = Date()
        h.pool.drain()
        let elapsed = Date().timeIntervalSince(started)
        let done = try #require(try h.store.run(id: run.id))
        #expect(done.status == .succeeded)
        #expect(done.attempt == 3)
        // 0.05 s, then 0.1 s.
        #expect(elapsed >= 0.15)
    }

    @Test func aRunFailsWhenRetriesAreExhausted() throws {
        let broken = FakePipeline(.feature) { _, _ in throw PipelineError.source(asset: AssetID("bitcoin"), .budgetExhausted) }
        let h = try JobsHarness([broken], configuration: WorkerPoolConfiguration(workers: 1, maxAttempts: 2, retryBackoff: 0.01))
        let run = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api).run
        h.pool.drain()
        let done = try #require(try h.store.run(id: run.id))
        #expect(done.status == .failed)
        #expect(done.error?.code == "source_error")
        #expect(done.attempt == 2)
        #expect(broken.calls == 2)
    }

    @Test func otherErrorsAreNotRetried() throws {
        let short = FakePipeline(.training) { _, _ in throw PipelineError.insufficientData(asset: AssetID("bitcoin"), have: 10, need: 200) }
        let h = try JobsHarness([short], configuration: WorkerPoolConfiguration(workers: 1, maxAttempts: 3, retryBackoff: 0.01))
        let run = try h.queue.trigger(.training, asset: bitcoin, trigger: .api).run
        h.pool.drain()
        #expect(short.calls == 1)
        #expect(try h.store.run(id: run.id)?.error?.code == "insufficient_data")
    }

    @Test func aRunPastItsTimeoutFailsAtItsNextCheckpoint() throws {
        let stuck = FakePipeline(.drift, body: waitForCancellation)
        let h = try JobsHarness([stuck], configuration: WorkerPoolConfiguration(workers: 1, timeouts: [.drift: 0.05]))
        let run = try h.queue.trigger(.drift, asset: bitcoin, trigger: .api).run
        h.pool.drain()
        let done = try #require(try h.store.run(id: run.id))
        #expect(done.status == .failed)
        #expect(done.error?.code == "timeout")
    }

    @Test func anUnknownPipelineFailsTheRunInsteadOfHangingTheQueue() throws {
        let h = try JobsHarness([FakePipeline(.feature)])
        let run = try h.queue.trigger(.validation, asset: bitcoin, trigger: .api).run
        h.pool.drain()
        #expect(try h.store.run(id: run.id)?.error?.code == "unknown_pipeline")
    }

    @Test func observersHearEveryStartAndFinish() throws {
        final class Recorder: RunObserver {
            let events = Mutex<[String]>([])
            func runStarted(_ run: Run) { events.withLock { $0.append("started \(run.status.rawValue)") } }
            func runFinished(_ run: Run) { events.withLock { $0.append("finished \(run.status.rawValue)") } }
        }
        let h = try JobsHarness()
        let recorder = Recorder()
        h.pool.addObserver(recorder)
        _ = try h.queue.trigger(.feature, asset: bitcoin, trigger: .api)
        h.pool.drain()
        #expect(recorder.events.withLock { $0 } == ["started running", "finished succeeded"])
    }

    #if os(Linux)
    @Test func workerThreadsRunNicerThanTheHTTPThreadsSoReadsStayFast() throws {
        let seen = Mutex<Int32?>(nil)
        let probe = FakePipeline(.training) { _, _ in
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            seen.withLock { $0 = nice }
        }
        let h = try JobsHarness([probe], configuration: WorkerPoolConfiguration(workers: 1, niceness: 10))
        h.pool.start()
        defer { h.pool.stop(grace: 2) }
        _ = try h.queue.trigger(.training, asset: bitcoin, trigger: .api)
        #expect(h.wait { seen.withLock { $0 } != nil })
        #expect(seen.withLock { $0 } == 10)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == 0, "the caller's thread is untouched")
    }
    #endif
}

@Suite struct ProgressThrottleTests {
    @Test func nothingPassesBeforeTheFirstInterval() {
        let throttle = ProgressThrottle(interval: .seconds(60))
        #expect(!throttle.admit() && !throttle.admit())
    }

    @Test func oneEventPassesPerInterval() throws {
        let throttle = ProgressThrottle(interval: .milliseconds(20))
        Thread.sleep(forTimeInterval: 0.03)
        #expect(throttle.admit())
        #expect(!throttle.admit())
    }
}
