/// Up or down: the sign of a predicted or actual move.
public enum Direction: String, Sendable, Hashable, Codable { case up, down }

/// How a validated prediction turned out. `flat` when the actual move was below the
/// tolerance (default 0.1 %), so neither direction was right.
public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable { case correct, incorrect, flat }

/// The validation fields of a prediction: the only part of a ledger entry that ever changes.
public struct PredictionValidation: Sendable, Hashable, Codable {
    public var outcome: Outcome?
    public var actualPrice: Double?
    public var actualTime: Timestamp?
    /// actual − predicted price.
    public var error: Double?
    public var validatedAt: Timestamp?
    /// Why it is still pending ("target time not reached", "no price within ±5 min").
    public var note: String?

    public init(outcome: Outcome? = nil, actualPrice: Double? = nil, actualTime: Timestamp? = nil,
                error: Double? = nil, validatedAt: Timestamp? = nil, note: String? = nil) {
        self.outcome = outcome; self.actualPrice = actualPrice; self.actualTime = actualTime
        self.error = error; self.validatedAt = validatedAt; self.note = note
    }

    public static let pending = PredictionValidation(note: "target time not reached")
    public var isValidated: Bool { outcome != nil }
}

/// An immutable prediction ledger entry. One per asset, model version and 5-minute bar;
/// nothing deletes or rewrites it except its `validation`.
public struct Prediction: Sendable, Hashable, Codable {
    public var id: ULID
    public var asset: AssetID
    public var modelID: ULID
    public var modelFamily: ModelFamily
    /// True for challengers predicting in shadow beside the champion.
    public var shadow: Bool
    public var featureSet: String
    /// Lower-case hex SHA-256 of the feature vector (little-endian doubles).
    public var featuresSHA256: String
    public var madeAt: Timestamp
    /// The bar the prediction was made from (its open time).
    public var barTime: Timestamp
    public var targetTime: Timestamp
    public var price: Double
    public var predictedReturn: Double
    public var predictedPrice: Double
    public var direction: Direction
    public var confidence: Double?
    public var regime: String?
    /// The model's hold-out skill vs persistence at the time (so noise is labelled as such).
    public var modelSkill: Double
    public var validation: PredictionValidation

    public init(id: ULID, asset: AssetID, modelID: ULID, modelFamily: ModelFamily, shadow: Bool, featureSet: String,
                featuresSHA256: String, madeAt: Timestamp, barTime: Timestamp, targetTime: Timestamp, price: Double,
                predictedReturn: Double, predictedPrice: Double, direction: Direction, confidence: Double?,
                regime: String?, modelSkill: Double, validation: PredictionValidation) {
        self.id = id; self.asset = asset; self.modelID = modelID; self.modelFamily = modelFamily; self.shadow = shadow
        self.featureSet = featureSet; self.featuresSHA256 = featuresSHA256; self.madeAt = madeAt; self.barTime = barTime
        self.targetTime = targetTime; self.price = price; self.predictedReturn = predictedReturn
        self.predictedPrice = predictedPrice; self.direction = direction; self.confidence = confidence
        self.regime = regime; self.modelSkill = modelSkill; self.validation = validation
    }
}
