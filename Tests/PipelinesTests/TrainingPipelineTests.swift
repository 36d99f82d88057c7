import Domain
import Foundation
import Learning
import Logging
import MarketData
import Pipelines
import Storage
import SentinelTesting
import Testing

@Suite struct TrainingPipelineTests {
    static let bitcoin = AssetID("bitcoin")

    /// A store with `days` of real bitcoin bars and their features, and a clock at their end.
    static func storeWithFeatures(days: Int) async throws -> (SQLiteStore, ManualWallClock) {
        let data = try ReplayDataSet.bundled()
        let bars = Array((data.series[bitcoin] ?? []).prefix(days * 288))
        let store = try SQLiteStore.temporary()
        let clock = ManualWallClock(bars[bars.count - 1].closeTime)
        let pipeline = FeaturePipeline(source: ScriptedSource(series: bars, clock: clock), prices: store, features: store,
                                       clock: clock, initialHistory: .days(Int64(days + 1)))
        _ = try await onOwnedThread { try pipeline.runAsset(bitcoin, logger: Logger(label: "test")) }
        return (store, clock)
    }

    /// Small ensembles keep the debug-build test quick; the families and code paths are the real ones.
    static var quickTrainer: ModelTrainer {
        var t = ModelTrainer()
        t.randomForest.treeCount = 8
        t.gradientBoosting.treeCount = 10
        t.xgboost.treeCount = 10
        t.classifier.treeCount = 10
        return t
    }

    static func training(_ store: SQLiteStore, _ clock: ManualWallClock, minimumRows: Int = 200) -> TrainingPipeline {
        let ids = ULIDGenerator(clock: clock, seed: 1)
        let registry = ModelRegistry(models: store, clock: clock, ids: ids)
        return TrainingPipeline(features: store, registry: registry, clock: clock, ids: ids, trainer: quickTrainer,
                                minimumRows: minimumRows)
    }

    static func context(_ clock: ManualWallClock) -> RunContext {
        RunContext(run: Run(id: ULIDGenerator(clock: clock, seed: 9).next(), pipeline: .training, asset: bitcoin,
                            trigger: .cli, requestedAt: clock.now()),
                   assets: [bitcoin], logger: Logger(label: "test"))
    }

    @Test func theFirstTrainingRegistersEveryFamilyAndMakesTheWinnerProduction() async throws {
        let (store, clock) = try await Self.storeWithFeatures(days: 3)
        let report = try Self.training(store, clock).run(Self.context(clock))
        let all = try store.versions(filter: ModelVersionFilter(asset: Self.bitcoin), query: PageQuery(limit: 100)).items
        #expect(Set(all.map(\.family)) == Set(ModelFamily.allCases))
        let production = try #require(try store.production(asset: Self.bitcoin, featureSet: "v1"))
        let regressors = all.filter { [.ridge, .randomForest, .gradientBoosting, .xgboost].contains($0.family) }
        #expect(production.metrics.rmse == regressors.map(\.metrics.rmse).min())
        #expect(production.metrics.beatsBaseline == (production.metrics.skill > 0))
        let history = try store.history(asset: Self.bitcoin, query: PageQuery()).items
        #expect(history.count == 1)
        #expect(history.first?.reason == .training)
        #expect(report["assets"]?["bitcoin"]?["winner_stage"] == .string("production"))
        #expect(try store.pipelineState(asset: Self.bitcoin, key: TrainingPipeline.driftReferenceKey) != nil)
    }

    @Test func everyRegisteredArtifactLoadsAndMatchesItsChecksum() async throws {
        let (store, clock) = try await Self.storeWithFeatures(days: 3)
        _ = try Self.training(store, clock).run(Self.context(clock))
        let row = try #require(try store.latestRow(asset: Self.bitcoin, featureSet: "v1"))
        for version in try store.versions(filter: ModelVersionFilter(asset: Self.bitcoin), query: PageQuery(limit: 100)).items {
            let bytes = try #require(try store.artifact(id: version.id))
            let artifact = try ModelArtifact.decode(bytes: bytes, expectedSHA256: version.sha256)
            #expect(artifact.family == version.family)
            if version.family != .regimes { #expect(try artifact.predict(raw: row.values[...])?.isFinite == true) }
            var tampered = bytes
            tampered[tampered.count / 2] ^= 1
            #expect(throws: LearningError.self) { try ModelArtifact.decode(bytes: tampered, expectedSHA256: version.sha256) }
        }
    }

    @Test func aLaterTrainingMakesItsWinnerAChallengerAndLeavesProduction() async throws {
        let (store, clock) = try await Self.storeWithFeatures(days: 3)
        let pipeline = Self.training(store, clock)
        _ = try pipeline.run(Self.context(clock))
        let first = try #require(try store.production(asset: Self.bitcoin, featureSet: "v1"))
        clock.advance(by: .minutes(30))
        let report = try pipeline.run(Self.context(clock))
        #expect(report["assets"]?["bitcoin"]?["winner_stage"] == .string("challenger"))
        #expect(try store.production(asset: Self.bitcoin, featureSet: "v1")?.id == first.id)
        #expect(try store.challengers(asset: Self.bitcoin).count == 1)
    }

    @Test func tooFewRowsFailTheRunAndChangeNothing() async throws {
        let (store, clock) = try await Self.storeWithFeatures(days: 1)
        #expect(throws: PipelineError.self) { try Self.training(store, clock, minimumRows: 5000).run(Self.context(clock)) }
        #expect(try store.versions(filter: ModelVersionFilter(), query: PageQuery()).items.isEmpty)
    }

    @Test func promotionAndRollbackAreRecordedWithTheirReasons() async throws {
        let (store, clock) = try await Self.storeWithFeatures(days: 3)
        let pipeline = Self.training(store, clock)
        _ = try pipeline.run(Self.context(clock))
        let original = try #require(try store.production(asset: Self.bitcoin, featureSet: "v1"))
        clock.advance(by: .minutes(30))
        _ = try pipeline.run(Self.context(clock))
        let challenger = try #require(try store.challengers(asset: Self.bitcoin).first)
        let registry = ModelRegistry(models: store, clock: clock, ids: ULIDGenerator(clock: clock, seed: 3))
        try registry.promote(challenger.id, reason: .manual, detail: "by hand")
        #expect(try store.production(asset: Self.bitcoin, featureSet: "v1")?.id == challenger.id)
        try registry.rollback(asset: Self.bitcoin, detail: "it was worse")
        #expect(try store.production(asset: Self.bitcoin, featureSet: "v1")?.id == original.id)
        let reasons = try store.history(asset: Self.bitcoin, query: PageQuery()).items.map(\.reason)
        #expect(reasons == [.rollback, .manual, .training])
        #expect(throws: ModelRegistry.RegistryError.self) { try registry.promote(original.id, reason: .manual, detail: "again") }
    }
}
