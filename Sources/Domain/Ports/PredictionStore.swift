/// Which predictions a list wants, by validation state.
public enum PredictionOutcomeFilter: String, Sendable, Hashable, CaseIterable {
    case pending, correct, incorrect, flat
}

/// Filters for listing predictions; nil means any.
public struct PredictionFilter: Sendable, Hashable {
    public var outcome: PredictionOutcomeFilter?
    public var modelID: ULID?
    /// false: only the champion's predictions; true: only shadow ones; nil: both.
    public var shadow: Bool?
    public init(outcome: PredictionOutcomeFilter? = nil, modelID: ULID? = nil, shadow: Bool? = nil) {
        self.outcome = outcome; self.modelID = modelID; self.shadow = shadow
    }
}

/// The prediction ledger. An entry is immutable once inserted except for its validation
/// fields; there is one entry per (asset, model version, bar time).
public protocol PredictionStore: Sendable {
    /// Stores the prediction, or returns the one already stored for its
    /// (asset, model, bar time) with `inserted == false`.
    func insert(_ prediction: Prediction) throws -> (prediction: Prediction, inserted: Bool)
    /// Inserts several predictions in one durable transaction (one fsync for all the models
    /// of one bar), each idempotent as ``insert(_:)``; results in the same order.
    func insertAll(_ predictions: [Prediction]) throws -> [(prediction: Prediction, inserted: Bool)]
    func prediction(id: ULID) throws -> Prediction?
    /// The newest prediction of the asset (by bar time, then id) of the champion (`shadow`
    /// false) or of any shadow model (`shadow` true).
    func latest(asset: AssetID, shadow: Bool) throws -> Prediction?
    /// Predictions newest first by bar time (cursor: bar time and id); `from`/`to` bound the bar time.
    func page(asset: AssetID, filter: PredictionFilter, query: PageQuery) throws -> Page<Prediction>
    /// Pending predictions whose target time is at or before `before`, oldest target first.
    func pendingDue(before: Timestamp, limit: Int) throws -> [Prediction]
    /// Writes the validation fields, and only them. Returns the updated prediction;
    /// ``StoreError/notFound(_:)`` for an unknown id.
    @discardableResult
    func recordValidation(id: ULID, _ validation: PredictionValidation) throws -> Prediction
    /// Validated predictions of one model with target time at or after `since`, oldest first
    /// (scorecards).
    func validated(asset: AssetID, modelID: ULID?, since: Timestamp) throws -> [Prediction]
    /// What the live model review reads of one model's validated predictions with target
    /// time at or after `from`, oldest target first.
    func validatedReturns(asset: AssetID, modelID: ULID, from: Timestamp) throws -> [ValidatedReturn]
    /// How many of one model's predictions with target time in `targetTimes` are validated
    /// (lets a cache of ``validatedReturns(asset:modelID:from:)`` check it missed nothing).
    func validatedCount(asset: AssetID, modelID: ULID, targetTimes: ClosedRange<Timestamp>) throws -> Int
    /// How many predictions are stored for the asset (or for all assets).
    func count(asset: AssetID?) throws -> Int
}
