/// Filters for listing the model registry; nil means any.
public struct ModelVersionFilter: Sendable, Hashable {
    public var asset: AssetID?
    public var family: ModelFamily?
    public var stage: ModelStage?
    public init(asset: AssetID? = nil, family: ModelFamily? = nil, stage: ModelStage? = nil) {
        self.asset = asset; self.family = family; self.stage = stage
    }
}

/// The model registry: immutable versions with their artifact bytes, their stages, and
/// the history of every change of production.
///
/// Invariant: at most one version per (asset, feature set) is `production`. Version
/// metadata is kept forever; only artifact bytes may be pruned by retention.
public protocol ModelStore: Sendable {
    /// Stores the version and its artifact in one transaction. A version registered as
    /// `production` must not collide with an existing production version (``StoreError/conflict(_:)``).
    func register(_ version: ModelVersion, artifact: [UInt8]) throws
    /// Stores several versions with their artifacts in one transaction (a training run's
    /// models): all or none.
    func registerAll(_ versions: [(version: ModelVersion, artifact: [UInt8])]) throws
    func version(id: ULID) throws -> ModelVersion?
    /// Versions newest first (cursor: created time and id).
    func versions(filter: ModelVersionFilter, query: PageQuery) throws -> Page<ModelVersion>
    /// The artifact bytes; nil when the version is unknown or its bytes were pruned.
    func artifact(id: ULID) throws -> [UInt8]?
    func production(asset: AssetID, featureSet: String) throws -> ModelVersion?
    /// Challengers of the asset, newest first.
    func challengers(asset: AssetID) throws -> [ModelVersion]
    /// Moves a version between `candidate`, `challenger` and `archived`. Production changes
    /// only through ``changeProduction(asset:to:reason:detail:at:changeID:previousStage:)``
    /// (``StoreError/conflict(_:)`` otherwise).
    func setStage(id: ULID, stage: ModelStage) throws
    /// Atomically: the current production version of the target's (asset, feature set)
    /// moves to `previousStage`, the target becomes `production`, and the change is recorded.
    /// ``StoreError/notFound(_:)`` for an unknown id, ``StoreError/conflict(_:)`` when the
    /// version belongs to another asset or is already production.
    func changeProduction(asset: AssetID, to id: ULID, reason: ProductionChangeReason, detail: String,
                          at: Timestamp, changeID: ULID, previousStage: ModelStage) throws -> ProductionChange
    /// Changes of production newest first, for one asset or all (cursor: time and id).
    func history(asset: AssetID?, query: PageQuery) throws -> Page<ProductionChange>
    /// Drops the artifact bytes of all but the newest `keepPerAsset` versions per asset,
    /// never those of production or challenger versions, nor of the version the asset's latest
    /// change of production replaced (the rollback target), nor of versions that made
    /// predictions (they stay replayable). Returns how many were dropped.
    func pruneArtifacts(keepPerAsset: Int) throws -> Int
}
