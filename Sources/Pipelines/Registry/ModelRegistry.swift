public import Domain

/// Moves production between model versions and records why: promotion of a challenger,
/// rollback to the previous production version, and the first model of an asset.
///
/// Every change goes through the store's atomic `changeProduction`, so there is never more
/// than one production version per asset and every change has a history row.
public struct ModelRegistry: Sendable {
    public let models: any ModelStore
    let clock: any WallClock
    let ids: ULIDGenerator
    /// Told after every change of production (inference reloads, SSE announces).
    let onChange: @Sendable (ProductionChange) -> Void

    public init(models: any ModelStore, clock: any WallClock, ids: ULIDGenerator,
                onChange: @escaping @Sendable (ProductionChange) -> Void = { _ in }) {
        self.models = models; self.clock = clock; self.ids = ids; self.onChange = onChange
    }

    /// What can go wrong moving production, for the API to render.
    public enum RegistryError: Error, Sendable, Equatable {
        case unknownModel(ULID)
        case notPromotable(ULID, String)
        case nothingToRollBack(AssetID)
    }

    /// Makes `id` production; the previous production version becomes archived.
    @discardableResult
    public func promote(_ id: ULID, reason: ProductionChangeReason, detail: String) throws -> ProductionChange {
        guard let version = try models.version(id: id) else { throw RegistryError.unknownModel(id) }
        guard version.stage != .production else { throw RegistryError.notPromotable(id, "it is already production") }
        guard [.ridge, .randomForest, .gradientBoosting, .xgboost].contains(version.family) else {
            throw RegistryError.notPromotable(id, "\(version.family.rawValue) models are not return predictors")
        }
        guard try models.artifact(id: id) != nil else {
            throw RegistryError.notPromotable(id, "its artifact was pruned by retention")
        }
        let change = try models.changeProduction(asset: version.asset, to: id, reason: reason, detail: detail,
                                                 at: clock.now(), changeID: ids.next(), previousStage: .archived)
        onChange(change)
        return change
    }

    /// Puts the version that production replaced last back into production.
    @discardableResult
    public func rollback(asset: AssetID, detail: String) throws -> ProductionChange {
        let history = try models.history(asset: asset, query: PageQuery(limit: 100)).items
        guard let current = try models.production(asset: asset, featureSet: FeatureSetVersion.v1.name) else {
            throw RegistryError.nothingToRollBack(asset)
        }
        // The newest change that installed the current production names what it replaced.
        guard let installed = history.first(where: { $0.to == current.id }), let previous = installed.from else {
            throw RegistryError.nothingToRollBack(asset)
        }
        guard try models.artifact(id: previous) != nil else {
            throw RegistryError.notPromotable(previous, "its artifact was pruned by retention")
        }
        let change = try models.changeProduction(asset: asset, to: previous, reason: .rollback, detail: detail,
                                                 at: clock.now(), changeID: ids.next(), previousStage: .archived)
        onChange(change)
        return change
    }
}
