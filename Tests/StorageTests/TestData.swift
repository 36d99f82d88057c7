import Domain
@testable import Storage

/// Builders for the records the store tests write; every test gets its own temporary store.
enum TestData {
    static let t0 = Timestamp(seconds: 1_744_689_600) // 2025-04-15T04:00:00Z, on the 5-minute grid
    static let btc: AssetID = "bitcoin"
    static let eth: AssetID = "ethereum"

    static func ids(seed: UInt64 = 1) -> ULIDGenerator {
        ULIDGenerator(clock: ManualWallClock(t0), seed: seed)
    }

    static func bars(count: Int, start: Timestamp = t0, price: Double = 85_000) -> [Bar] {
        (0..<count).map { i in
            let p = price + Double(i)
            return Bar(time: start + BarGrid.step * Int64(i), open: p, high: p + 5, low: p - 5, close: p + 1, volume: 10 + Double(i))
        }
    }

    static func prediction(_ id: ULID, asset: AssetID = btc, model: ULID, bar: Timestamp, shadow: Bool = false) -> Prediction {
        Prediction(id: id, asset: asset, modelID: model, modelFamily: .ridge, shadow: shadow, featureSet: "v1",
                   featuresSHA256: "9f2c", madeAt: bar + .minutes(5), barTime: bar, targetTime: bar + .minutes(35),
                   price: 85_379.96, predictedReturn: 0.00042, predictedPrice: 85_415.82, direction: .up,
                   confidence: 0.56, regime: "accumulation", modelSkill: -0.08, validation: .pending)
    }

    static func model(_ id: ULID, asset: AssetID = btc, stage: ModelStage = .candidate, family: ModelFamily = .ridge,
                      createdAt: Timestamp = t0) -> ModelVersion {
        ModelVersion(id: id, asset: asset, family: family, featureSet: "v1", stage: stage, createdAt: createdAt,
                     window: TrainingWindow(from: t0 - .days(7), to: t0, trainRows: 1606, holdoutRows: 404),
                     hyperparameters: .object([("alpha", .number(1))]),
                     metrics: ModelMetrics(rmse: 0.00518, mae: 0.00407, r2: -0.62, directionalAccuracy: 0.47,
                                           skill: -0.27, persistenceRMSE: 0.0041),
                     sha256: "5be1", artifactFormat: "sentinel-model-v1",
                     featureImportance: [FeatureImportance(feature: "returns_lag_1", importance: 0.12)], runID: nil)
    }

    static func run(_ id: ULID, _ pipeline: PipelineKind, asset: AssetID? = btc, key: String? = nil,
                    at: Timestamp = t0) -> Run {
        Run(id: id, pipeline: pipeline, asset: asset, trigger: .api, requestedAt: at, idempotencyKey: key)
    }
}
