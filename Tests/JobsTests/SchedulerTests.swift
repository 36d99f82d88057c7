import Domain
import Foundation
import Jobs
import Storage
import Testing

/// The schedule on a virtual clock: exact counts, chaining, catch-up after downtime.
@Suite struct SchedulerTests {
    @Test func twentyFourVirtualHoursGiveExactRunCountsForEveryPipeline() throws {
        let h = try JobsHarness()
        let scheduler = h.scheduler()
        h.simulate(scheduler, from: JobsHarness.start, to: JobsHarness.start + .hours(24))
        #expect(try h.runs(.feature).count == 288)
        // Training waits for the first feature success (minute 1), then runs on the 30-minute grid.
        #expect(try h.runs(.training).count == 48)
        #expect(try h.runs(.drift).count == 288)
        #expect(try h.runs(.inference).count == 288)
        #expect(try h.runs(.validation).count == 288)
        #expect(try h.runs(.alerts).count == 288)
        #expect(try h.runs(status: .succeeded).count == 288 * 5 + 48)
    }

    @Test func intervalRunsStartOnTheirGrid() throws {
        let h = try JobsHarness()
        let scheduler = h.scheduler()
        h.simulate(scheduler, from: JobsHarness.start + .minutes(2), to: JobsHarness.start + .hours(2))
        let starts = try h.runs(.feature).compactMap(\.startedAt).sorted()
        // The first run is at once; the rest fall on :00, :05, …
        #expect(starts.dropFirst().allSatisfy { $0.milliseconds % 300_000 == 0 })
        #expect(starts.count == 24)
    }

    @Test func afterDowntimeEachPipelineGetsOneCatchUpRunNotABurst() throws {
        let h = try JobsHarness()
        let scheduler = h.scheduler()
        h.simulate(scheduler, from: JobsHarness.start, to: JobsHarness.start + .hours(1))
        let before = (try h.runs(.feature).count, try h.runs(.training).count)
        // Three hours without a tick (the process was stopped).
        let resumeAt = JobsHarness.start + .hours(4) + .minutes(2)
        h.clock.set(resumeAt)
        let due = scheduler.tick(now: resumeAt)
        h.pool.drain()
        #expect(Set(due) == [.feature, .training])
        #expect(try h.runs(.feature).count == before.0 + 1)
        #expect(try h.runs(.training).count == before.1 + 1)
        // And the grid continues from there.
        #expect(scheduler.tick(now: resumeAt + .minutes(1)).isEmpty)
        #expect(scheduler.tick(now: JobsHarness.start + .hours(4) + .minutes(5)) == [.feature])
    }

    @Test func chainedPipelinesRunOnlyAfterTheirUpstreamSucceeds() throws {
        let failingFeature = FakePipeline(.feature) { _, _ in throw RunError(code: "boom", message: "failed on purpose") }
        let others = PipelineKind.allCases.filter { $0 != .feature }.map { FakePipeline($0) }
        let h = try JobsHarness([failingFeature] + others)
        let scheduler = h.scheduler()
        h.simulate(scheduler, from: JobsHarness.start, to: JobsHarness.start + .hours(1))
        #expect(try h.runs(.feature, status: .failed).count == 12)
        #expect(try h.runs(.drift).isEmpty)
        #expect(try h.runs(.inference).isEmpty)
        // Training's first run waits for a feature success that never came.
        #expect(try h.runs(.training).isEmpty)
        #expect(scheduler.status().first { $0.pipeline == .feature }?.consecutiveFailures == 12)
    }

    @Test func configuredIntervalsAreHonoured() throws {
        let h = try JobsHarness()
        let scheduler = h.scheduler(PipelineSchedule.defaults(feature: .minutes(1), training: .hours(1)))
        h.simulate(scheduler, from: JobsHarness.start, to: JobsHarness.start + .hours(3))
        #expect(try h.runs(.feature).count == 180)
        #expect(try h.runs(.training).count == 3)
    }

    @Test func pipelineStatusReportsNextDueAndLastSuccess() throws {
        let h = try JobsHarness()
        let scheduler = h.scheduler()
        h.simulate(scheduler, from: JobsHarness.start, to: JobsHarness.start + .minutes(7))
        let feature = try #require(scheduler.status().first { $0.pipeline == .feature })
        #expect(feature.nextDue == JobsHarness.start + .minutes(10))
        #expect(feature.lastSuccess != nil)
        #expect(feature.runningNow == false)
    }
}
