/// The model families Sentinel trains. Regressors predict the horizon's log return;
/// `directionClassifier` gives P(up); `regimes` labels market states.
public enum ModelFamily: String, Sendable, Hashable, Codable, CaseIterable {
    case ridge, randomForest = "random_forest", gradientBoosting = "gradient_boosting", xgboost
    case persistence
    case directionClassifier = "direction_classifier"
    case regimes
}

/// Where a model version stands in the registry. Exactly one version per asset and
/// feature set is `production` at a time (or none before the first training).
public enum ModelStage: String, Sendable, Hashable, Codable, CaseIterable {
    case candidate, challenger, production, archived
}

/// Hold-out (or live) quality of a regressor, always beside the persistence baseline so
/// noise is never presented as an edge.
public struct ModelMetrics: Sendable, Hashable, Codable {
    public var rmse: Double
    public var mae: Double
    public var r2: Double
    public var directionalAccuracy: Double
    /// 1 − RMSE(model) / RMSE(persistence): above 0 only when the model beats persistence.
    public var skill: Double
    public var beatsBaseline: Bool { skill > 0 }
    public var persistenceRMSE: Double

    public init(rmse: Double, mae: Double, r2: Double, directionalAccuracy: Double, skill: Double, persistenceRMSE: Double) {
        self.rmse = rmse; self.mae = mae; self.r2 = r2; self.directionalAccuracy = directionalAccuracy
        self.skill = skill; self.persistenceRMSE = persistenceRMSE
    }
}

/// The rows a model version was trained and evaluated on.
public struct TrainingWindow: Sendable, Hashable, Codable {
    public var from: Timestamp
    public var to: Timestamp
    public var trainRows: Int
    public var holdoutRows: Int
    public init(from: Timestamp, to: Timestamp, trainRows: Int, holdoutRows: Int) {
        self.from = from; self.to = to; self.trainRows = trainRows; self.holdoutRows = holdoutRows
    }
}

/// One feature's share of a model's decisions (gain for trees, |coef × std| for ridge).
public struct FeatureImportance: Sendable, Hashable, Codable {
    public var feature: String
    public var importance: Double
    public init(feature: String, importance: Double) { self.feature = feature; self.importance = importance }
}

/// An immutable, registered model version. Only `stage` ever changes; the artifact bytes
/// are stored beside it and refused at load when their SHA-256 no longer matches.
public struct ModelVersion: Sendable, Hashable, Codable {
    public var id: ULID
    public var asset: AssetID
    public var family: ModelFamily
    public var featureSet: String
    public var stage: ModelStage
    public var createdAt: Timestamp
    public var window: TrainingWindow
    public var hyperparameters: JSONValue
    public var metrics: ModelMetrics
    /// Lower-case hex SHA-256 of the artifact bytes.
    public var sha256: String
    public var artifactFormat: String
    public var featureImportance: [FeatureImportance]
    /// The run that trained it, when there is one.
    public var runID: ULID?

    public init(id: ULID, asset: AssetID, family: ModelFamily, featureSet: String, stage: ModelStage,
                createdAt: Timestamp, window: TrainingWindow, hyperparameters: JSONValue, metrics: ModelMetrics,
                sha256: String, artifactFormat: String, featureImportance: [FeatureImportance], runID: ULID?) {
        self.id = id; self.asset = asset; self.family = family; self.featureSet = featureSet; self.stage = stage
        self.createdAt = createdAt; self.window = window; self.hyperparameters = hyperparameters
        self.metrics = metrics; self.sha256 = sha256; self.artifactFormat = artifactFormat
        self.featureImportance = featureImportance; self.runID = runID
    }
}

/// Why production changed hands.
public enum ProductionChangeReason: String, Sendable, Hashable, Codable {
    case training, promotion, rollback, manual
}

/// One change of an asset's production model: from, to, when and why.
public struct ProductionChange: Sendable, Hashable, Codable {
    public var id: ULID
    public var asset: AssetID
    public var from: ULID?
    public var to: ULID
    public var at: Timestamp
    public var reason: ProductionChangeReason
    /// Free text: who asked and on what evidence (e.g. the Diebold–Mariano p-value).
    public var detail: String

    public init(id: ULID, asset: AssetID, from: ULID?, to: ULID, at: Timestamp, reason: ProductionChangeReason, detail: String) {
        self.id = id; self.asset = asset; self.from = from; self.to = to; self.at = at; self.reason = reason; self.detail = detail
    }
}
