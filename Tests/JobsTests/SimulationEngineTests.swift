import Domain
import Foundation
import Jobs
import Logging
import Pipelines
import Storage
import Testing

/// The simulation engine over fake pipelines: the same scheduler and pool, a virtual clock.
@Suite struct SimulationEngineTests {
    static let start = Timestamp(milliseconds: 1_744_675_200_000)

    func simulate(hours: Int64, pipelines: [any Pipeline] = PipelineKind.allCases.map { FakePipeline($0) },
                  observers: [any RunObserver] = []) throws -> SimulationReport {
        let store = try SQLiteStore.temporary()
        let clock = ManualWallClock(Self.start)
        let queue = RunQueue(store: store, ids: ULIDGenerator(clock: clock, seed: 42), clock: clock)
        let engine = SimulationEngine(
            settings: SimulationSettings(assets: [AssetID("bitcoin")], from: Self.start, to: Self.start + .hours(hours)),
            queue: queue, pipelines: pipelines, store: store, clock: clock, setClock: { clock.set($0) },
            observers: observers, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try engine.run()
    }

    @Test func wallTimesCountEveryFinishedRunOfEachPipeline() throws {
        let times = PipelineWallTimes()
        let report = try simulate(hours: 1, observers: [times])
        let counts = Dictionary(uniqueKeysWithValues: times.entries.map { ($0.pipeline.rawValue, $0.runs) })
        let expected = Dictionary(uniqueKeysWithValues: report.runs.map { ($0.pipeline, $0.succeeded + $0.failed + $0.cancelled) })
        #expect(counts == expected)
        #expect(times.entries.allSatisfy { $0.seconds >= 0 })
        #expect(zip(times.entries, times.entries.dropFirst()).allSatisfy { $0.seconds >= $1.seconds })
        #expect(times.lines.count == times.entries.count)
        #expect(times.lines.allSatisfy { $0.hasPrefix("wall pipeline=") && $0.contains(" runs=") && $0.contains(" ms_per_run=") })
    }

    @Test func sixSimulatedHoursRunTheWholeScheduleWithExactCounts() throws {
        let report = try simulate(hours: 6)
        let counts = Dictionary(uniqueKeysWithValues: report.runs.map { ($0.pipeline, $0.succeeded) })
        #expect(counts == ["feature": 72, "training": 12, "inference": 72, "validation": 72, "drift": 72, "alerts": 72])
        #expect(report.trainings.succeeded == 12)
        #expect(report.simulatedDays == 0.25)
    }

    @Test func twoSimulationsOfTheSameRangeAreIdentical() throws {
        let a = try simulate(hours: 3)
        let b = try simulate(hours: 3)
        #expect(a == b)
        #expect(a.text == b.text)
        #expect(a.json == b.json)
    }

    @Test func onlyPipelinesThatExistAreScheduled() throws {
        let report = try simulate(hours: 2, pipelines: [FakePipeline(.feature), FakePipeline(.training)])
        #expect(report.pipelines == ["feature", "training"])
        #expect(report.runs.map(\.pipeline) == ["feature", "training"])
    }

    @Test func failuresAreCountedAndTheScheduleGoesOn() throws {
        let flaky = FakePipeline(.training) { _, call in
            if call % 2 == 0 { throw PipelineError.insufficientData(asset: AssetID("bitcoin"), have: 1, need: 200) }
        }
        let report = try simulate(hours: 6, pipelines: [FakePipeline(.feature), flaky])
        #expect(report.trainings.succeeded == 6)
        #expect(report.trainings.failed == 6)
    }

    @Test func anEmptyRangeIsRefused() throws {
        #expect(throws: SimulationError.self) { try simulate(hours: 0) }
    }
}
