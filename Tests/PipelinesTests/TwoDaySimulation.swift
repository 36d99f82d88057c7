import Foundation
import Domain
import Learning
import Logging
import MarketData
import Pipelines
import Storage

/// Two virtual days of the bundled real data driven through feature → training → inference →
/// validation every 5 minutes on a manual replay clock, once for all the replay tests.
final class TwoDaySimulation: Sendable {
    static let assets = [AssetID("bitcoin"), AssetID("ethereum")]
    static let steps = 2 * 288
    /// Training every 6 virtual hours keeps the debug-build test near a minute.
    static let trainEvery = 72

    let path: String
    let store: SQLiteStore
    let data: ReplayDataSet
    let clock: ReplayClock
    let cache: ModelBundleCache
    let latest: LatestPredictions
    let replayer: PredictionReplayer
    /// Per (asset, bar time): the model ids the bundle held when that bar was predicted.
    let expected: [String: Set<ULID>]
    /// How many predictions the store held right before each training after the first.
    let countsBeforeTraining: [Int]
    let secondRunCreated: Int
    let finalNow: Timestamp
    let rawByClose: [AssetID: [Int64: Bar]]

    static let shared: Result<TwoDaySimulation, any Error> = Result { try TwoDaySimulation() }

    static func key(_ a: AssetID, _ t: Timestamp) -> String { "\(a.rawValue)@\(t.milliseconds)" }

    private init() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sentinel-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("sentinel.sqlite").path
        store = try SQLiteStore.open(path: path)
        data = try ReplayDataSet.bundled()
        let clock = ReplayClock.manual(start: data.defaultStart.floored(to: BarGrid.step))
        self.clock = clock
        let store = self.store
        let source = ReplaySource(data: data, clock: clock)
        let ids = ULIDGenerator(clock: clock, seed: 42)
        let registry = ModelRegistry(models: store, clock: clock, ids: ids)
        var trainer = ModelTrainer()
        trainer.randomForest = RandomForest.Hyperparameters(treeCount: 8, maxDepth: 4)
        trainer.gradientBoosting = GradientBoosting.Hyperparameters(treeCount: 8, maxDepth: 3)
        trainer.xgboost.treeCount = 8; trainer.xgboost.maxDepth = 3
        trainer.classifier.treeCount = 8; trainer.classifier.maxDepth = 3
        let feature = FeaturePipeline(source: source, prices: store, features: store, clock: clock)
        // Every artifact is kept: replaying a prediction needs its model's bytes.
        let training = TrainingPipeline(features: store, registry: registry, clock: clock, ids: ids, trainer: trainer,
                                        keepArtifacts: nil)
        let cache = ModelBundleCache(models: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let latest = LatestPredictions()
        self.cache = cache; self.latest = latest
        let inference = InferencePipeline(features: store, predictions: store, models: store, cache: cache, latest: latest,
                                          clock: clock, ids: ids)
        let validation = ValidationPipeline(predictions: store, prices: store, clock: clock, registry: registry, latest: latest)
        replayer = PredictionReplayer(features: store, cache: cache)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let context = { (kind: PipelineKind) -> RunContext in
            RunContext(run: Run(id: ids.next(), pipeline: kind, asset: nil, trigger: .schedule, requestedAt: clock.now()),
                       assets: Self.assets, logger: logger)
        }
        var expected: [String: Set<ULID>] = [:]
        var counts: [Int] = []
        var secondRun = 0
        for step in 0..<Self.steps {
            _ = try feature.run(context(.feature))
            if step % Self.trainEvery == 0 {
                if step > 0 { counts.append(try store.count(asset: nil)) }
                _ = try training.run(context(.training))
            }
            _ = try inference.run(context(.inference))
            for a in Self.assets {
                guard let bundle = try cache.bundle(asset: a), let row = try store.latestRow(asset: a, featureSet: "v1") else { continue }
                expected[Self.key(a, row.time)] = Set([bundle.champion.regressor.version.id] + bundle.shadows.map(\.regressor.version.id))
            }
            if step == 10 {
                for a in Self.assets { secondRun += try inference.predict(asset: a).created }
            }
            _ = try validation.run(context(.validation))
            clock.advance(by: BarGrid.step)
        }
        self.expected = expected
        countsBeforeTraining = counts
        secondRunCreated = secondRun
        finalNow = clock.now()
        rawByClose = data.series.mapValues { Dictionary($0.map { ($0.closeTime.milliseconds, $0) }, uniquingKeysWith: { a, _ in a }) }
    }

    /// Every stored prediction of the asset, champion and shadow, newest first.
    func allPredictions(_ asset: AssetID, store: any PredictionStore) throws -> [Prediction] {
        var out: [Prediction] = []
        var cursor: PageCursor?
        repeat {
            let page = try store.page(asset: asset, filter: PredictionFilter(), query: PageQuery(limit: 1000, cursor: cursor))
            out += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return out
    }

    /// The close of the bundled bar whose close time is nearest `target` within ±5 min
    /// (earlier on a tie), straight from the raw data.
    func rawActual(_ asset: AssetID, target: Timestamp) -> Bar? {
        let byClose = rawByClose[asset] ?? [:]
        // Candidates in order of distance, the earlier first on a tie; bars sit on the 5-minute grid.
        for offset: Int64 in [0, -300_000, 300_000] {
            if let b = byClose[target.milliseconds + offset] { return b }
        }
        return nil
    }
}
