/// Drift of one feature between the reference window and the recent window.
public struct FeatureDrift: Sendable, Hashable, Codable {
    public var feature: String
    public var ksStatistic: Double
    public var pValue: Double
    /// Benjamini–Hochberg adjusted p-value across the report's deciding features.
    public var adjustedPValue: Double
    public var psi: Double
    public var drifted: Bool
    /// Price-level features are reported but do not decide drift.
    public var deciding: Bool

    public init(feature: String, ksStatistic: Double, pValue: Double, adjustedPValue: Double, psi: Double, drifted: Bool, deciding: Bool) {
        self.feature = feature; self.ksStatistic = ksStatistic; self.pValue = pValue
        self.adjustedPValue = adjustedPValue; self.psi = psi; self.drifted = drifted; self.deciding = deciding
    }
}

/// One drift check of one asset.
public struct DriftReport: Sendable, Hashable, Codable {
    public var id: ULID
    public var asset: AssetID
    public var featureSet: String
    public var createdAt: Timestamp
    public var referenceFrom: Timestamp
    public var referenceTo: Timestamp
    public var currentFrom: Timestamp
    public var currentTo: Timestamp
    /// Mean KS statistic over the deciding features.
    public var score: Double
    /// Share of deciding features whose adjusted p-value is below the level.
    public var shareDrifted: Double
    public var detected: Bool
    /// How many consecutive checks (this one included) detected drift.
    public var consecutive: Int
    public var features: [FeatureDrift]
    /// The training run this report enqueued, if it did.
    public var triggeredRunID: ULID?

    public init(id: ULID, asset: AssetID, featureSet: String, createdAt: Timestamp, referenceFrom: Timestamp,
                referenceTo: Timestamp, currentFrom: Timestamp, currentTo: Timestamp, score: Double,
                shareDrifted: Double, detected: Bool, consecutive: Int, features: [FeatureDrift], triggeredRunID: ULID?) {
        self.id = id; self.asset = asset; self.featureSet = featureSet; self.createdAt = createdAt
        self.referenceFrom = referenceFrom; self.referenceTo = referenceTo; self.currentFrom = currentFrom
        self.currentTo = currentTo; self.score = score; self.shareDrifted = shareDrifted; self.detected = detected
        self.consecutive = consecutive; self.features = features; self.triggeredRunID = triggeredRunID
    }
}

public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable { case info, warning, high }

public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable {
    case priceChange = "price_change", volatility, predictionDeviation = "prediction_deviation"
    case drawdown, staleData = "stale_data", staleModel = "stale_model", drift
}

/// One alert episode: raised once when its condition starts to hold, resolved when it stops.
public struct Alert: Sendable, Hashable, Codable {
    public var id: ULID
    public var asset: AssetID?
    public var kind: AlertKind
    public var severity: AlertSeverity
    public var message: String
    public var value: Double?
    public var threshold: Double?
    public var raisedAt: Timestamp
    public var resolvedAt: Timestamp?

    public init(id: ULID, asset: AssetID?, kind: AlertKind, severity: AlertSeverity, message: String,
                value: Double?, threshold: Double?, raisedAt: Timestamp, resolvedAt: Timestamp? = nil) {
        self.id = id; self.asset = asset; self.kind = kind; self.severity = severity; self.message = message
        self.value = value; self.threshold = threshold; self.raisedAt = raisedAt; self.resolvedAt = resolvedAt
    }
}

/// One attempt to deliver an alert to a webhook.
public struct WebhookDelivery: Sendable, Hashable, Codable {
    public var id: ULID
    public var alertID: ULID
    public var url: String
    public var attempt: Int
    public var status: Int?
    public var error: String?
    public var at: Timestamp
    public init(id: ULID, alertID: ULID, url: String, attempt: Int, status: Int?, error: String?, at: Timestamp) {
        self.id = id; self.alertID = alertID; self.url = url; self.attempt = attempt; self.status = status; self.error = error; self.at = at
    }
}
