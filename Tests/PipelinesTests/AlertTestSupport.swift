import Domain
import Foundation
import Logging
import Pipelines
import Storage
import Synchronization

/// A temporary store with constructed bars, feature rows, a production model and
/// predictions, and an alerts pipeline over it on a manual clock.
final class AlertHarness {
    static let asset = AssetID("bitcoin")
    /// The open time of the latest bar; `now` is its close time unless a test moves the clock.
    static let latestTime = Timestamp(parsing: "2025-03-10T12:00:00Z") ?? Timestamp(milliseconds: 0)
    static let logger = Logger(label: "alert-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    let store: SQLiteStore
    let clock: ManualWallClock
    let ids: ULIDGenerator
    let pipeline: AlertsPipeline

    init(thresholds: AlertThresholds = AlertThresholds(), dispatcher: (SQLiteStore, ManualWallClock, ULIDGenerator) -> WebhookDispatcher? = { _, _, _ in nil }) throws {
        store = try SQLiteStore.temporary()
        clock = ManualWallClock(Self.latestTime + BarGrid.step)
        ids = ULIDGenerator(clock: clock, seed: 3)
        pipeline = AlertsPipeline(prices: store, features: store, predictions: store, models: store, alerts: store,
                                  drift: store, clock: clock, ids: ids, thresholds: thresholds,
                                  dispatcher: dispatcher(store, clock, ids))
    }

    static func bar(_ time: Timestamp, _ close: Double) -> Bar {
        Bar(time: time, open: close, high: close, low: close, close: close, volume: 1)
    }

    /// 24 h of bars at `base`, with the latest bar at `latest` and an optional peak 12 h ago.
    func seedDay(base: Double = 100, latest: Double, peak: Double? = nil) throws {
        var bars: [Bar] = []
        var t = Self.latestTime - .hours(24)
        while t < Self.latestTime {
            bars.append(Self.bar(t, t == Self.latestTime - .hours(12) ? (peak ?? base) : base))
            t = t + BarGrid.step
        }
        bars.append(Self.bar(Self.latestTime, latest))
        _ = try store.upsert(bars, asset: Self.asset)
    }

    func setLatest(_ close: Double) throws {
        _ = try store.upsert([Self.bar(Self.latestTime, close)], asset: Self.asset)
    }

    func seedVolatility(_ volatility: Double) throws {
        let columns = FeatureSetVersion.v1.columns
        var values = [Double](repeating: 0.1, count: columns.count)
        if let i = columns.firstIndex(of: "volatility") { values[i] = volatility }
        _ = try store.upsert([FeatureRow(asset: Self.asset, featureSet: "v1", time: Self.latestTime, close: 100,
                                         values: values, targets: nil)])
    }

    @discardableResult
    func seedProductionModel(age: Milliseconds) throws -> ModelVersion {
        let v = ModelVersion(id: ids.next(), asset: Self.asset, family: .ridge, featureSet: "v1", stage: .production,
                             createdAt: clock.now() - age,
                             window: TrainingWindow(from: Self.latestTime - .days(7), to: Self.latestTime, trainRows: 1, holdoutRows: 1),
                             hyperparameters: .object([]),
                             metrics: ModelMetrics(rmse: 0, mae: 0, r2: 0, directionalAccuracy: 0, skill: 0, persistenceRMSE: 0),
                             sha256: "00", artifactFormat: "test", featureImportance: [], runID: nil)
        try store.register(v, artifact: [0])
        return v
    }

    /// A champion prediction made 30 min before now (so its target time is now) predicting `price`.
    func seedPrediction(model: ModelVersion, predicted price: Double) throws {
        let bar = Self.latestTime - .minutes(30)
        let p = Prediction(id: ids.next(), asset: Self.asset, modelID: model.id, modelFamily: model.family, shadow: false,
                           featureSet: "v1", featuresSHA256: "00", madeAt: bar + BarGrid.step, barTime: bar,
                           targetTime: bar + .minutes(30), price: 100, predictedReturn: log(price / 100),
                           predictedPrice: price, direction: price >= 100 ? .up : .down, confidence: 0.5, regime: nil,
                           modelSkill: 0, validation: .pending)
        _ = try store.insert(p)
    }

    func seedDriftReport(detected: Bool, age: Milliseconds = .minutes(1)) throws {
        let t = clock.now() - age
        try store.insert(DriftReport(id: ids.next(), asset: Self.asset, featureSet: "v1", createdAt: t, referenceFrom: t - .days(7),
                                     referenceTo: t - .hours(2), currentFrom: t - .hours(2), currentTo: t, score: detected ? 0.42 : 0.12,
                                     shareDrifted: detected ? 0.6 : 0, detected: detected, consecutive: detected ? 1 : 0,
                                     features: [], triggeredRunID: nil))
    }

    func evaluate() throws -> AlertsPipeline.Outcome { try pipeline.evaluate(Self.asset, logger: Self.logger) }

    func open(_ kind: AlertKind) throws -> Alert? { try store.openAlert(asset: Self.asset, kind: kind) }
}

/// Records webhook posts instead of sending them, answering with scripted statuses.
final class RecordingTransport: WebhookTransport {
    struct Post: Sendable { var url: String; var headers: [WebhookHeader]; var body: [UInt8] }
    private let posts = Mutex<[Post]>([])
    private let statuses: Mutex<[Int]>
    init(statuses: [Int] = []) { self.statuses = Mutex(statuses) }
    var received: [Post] { posts.withLock { $0 } }
    func post(url: String, headers: [WebhookHeader], body: [UInt8], timeout: Milliseconds) throws(WebhookTransportError) -> Int {
        posts.withLock { $0.append(Post(url: url, headers: headers, body: body)) }
        return statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
    }
}
