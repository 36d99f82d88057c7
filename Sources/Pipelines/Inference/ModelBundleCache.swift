public import Domain
import Learning
public import Logging
import Synchronization

/// Loads model artifacts once (decode + SHA-256 check) and keeps each asset's current
/// ``ModelBundle``, rebuilding it only when production or the shadow set changed.
///
/// The check is a few indexed reads of the registry per inference run, so a change made by
/// another process (`sentinel run training` from cron, a promotion over another replica's
/// API) is picked up at the next run. A new bundle is built outside the lock and swapped in
/// with one assignment: readers always see a complete bundle, never a pause.
///
/// A version whose artifact is tampered (checksum mismatch) or pruned is refused with its
/// reason, logged once, and skipped; when that version is production the asset has no bundle.
public final class ModelBundleCache: Sendable {
    let models: any ModelStore
    let logger: Logger
    /// How many challengers predict in shadow (newest first).
    public let shadowChallengers: Int
    /// Whether the previous production version predicts in shadow too (rollback evidence).
    public let shadowPreviousProduction: Bool
    let featureSet: FeatureSetVersion
    private let state = Mutex(State())

    private struct State {
        var loaded: [ULID: LoadedModel] = [:]
        var refused: [ULID: String] = [:]
        var bundles: [AssetID: ModelBundle] = [:]
    }

    public init(models: any ModelStore, logger: Logger = Logger(label: "sentinel.inference"),
                shadowChallengers: Int = 3, shadowPreviousProduction: Bool = true, featureSet: FeatureSetVersion = .v1) {
        self.models = models; self.logger = logger; self.shadowChallengers = shadowChallengers
        self.shadowPreviousProduction = shadowPreviousProduction; self.featureSet = featureSet
    }

    /// The asset's bundle as of now: nil when there is no production model; throws
    /// ``PipelineError/artifact(_:)`` when production's artifact is refused.
    public func bundle(asset: AssetID) throws -> ModelBundle? {
        guard let production = try models.production(asset: asset, featureSet: featureSet.name) else {
            state.withLock { _ = $0.bundles.removeValue(forKey: asset) }
            return nil
        }
        let key = try shadowKey(asset: asset, production: production.id)
        if let current = state.withLock({ $0.bundles[asset] }), current.key == key { return current }

        var refused: [(id: ULID, reason: String)] = []
        let champion: PredictorBundle
        switch loadBundle(production) {
        case .success(let b): champion = b
        case .failure(let refusal):
            throw PipelineError.artifact("production model \(production.id) of \(asset) refused: \(refusal.reason)")
        }
        var shadows: [PredictorBundle] = []
        for id in key.shadows {
            guard let version = try models.version(id: id) else { continue }
            switch loadBundle(version) {
            case .success(let b): shadows.append(b)
            case .failure(let refusal): refused.append((id: id, reason: refusal.reason))
            }
        }
        let bundle = ModelBundle(asset: asset, champion: champion, shadows: shadows, refused: refused, key: key)
        state.withLock { s in
            s.bundles[asset] = bundle
            evictUnused(&s)
        }
        logger.info("model bundle loaded", metadata: ["asset": "\(asset)", "production": "\(production.id)",
                                                      "family": "\(production.family.rawValue)",
                                                      "shadows": "\(shadows.count)", "refused": "\(refused.count)"])
        return bundle
    }

    /// One version with its artifact, loaded once (explanations and replays).
    public func model(id: ULID) throws -> LoadedModel {
        if let m = state.withLock({ $0.loaded[id] }) { return m }
        guard let version = try models.version(id: id) else { throw PipelineError.invalidInput("unknown model \(id)") }
        switch load(version) {
        case .success(let m): return m
        case .failure(let refusal): throw PipelineError.artifact("model \(id): \(refusal.reason)")
        }
    }

    /// The reasons versions were refused, by id (for reports and health checks).
    public var refusedVersions: [ULID: String] { state.withLock { $0.refused } }

    /// The shadow set: newest challengers (return regressors only) and the version the
    /// current production replaced, without duplicates or production itself.
    private func shadowKey(asset: AssetID, production: ULID) throws -> ModelBundle.Key {
        var ids: [ULID] = []
        for c in try models.challengers(asset: asset) where isRegressor(c.family) && c.featureSet == featureSet.name {
            if ids.count >= shadowChallengers { break }
            if c.id != production { ids.append(c.id) }
        }
        if shadowPreviousProduction,
           let installed = try models.history(asset: asset, query: PageQuery(limit: 20)).items.first(where: { $0.to == production }),
           let previous = installed.from, previous != production, !ids.contains(previous) {
            ids.append(previous)
        }
        return ModelBundle.Key(production: production, shadows: ids)
    }

    private func isRegressor(_ f: ModelFamily) -> Bool { [.ridge, .randomForest, .gradientBoosting, .xgboost].contains(f) }

    private func loadBundle(_ version: ModelVersion) -> Result<PredictorBundle, Refusal> {
        let regressor: LoadedModel
        switch load(version) {
        case .success(let m): regressor = m
        case .failure(let r): return .failure(r)
        }
        return .success(PredictorBundle(regressor: regressor, classifier: companion(version, "direction_classifier"),
                                        regimes: companion(version, "regimes")))
    }

    /// A companion named in the regressor's `hyperparameters.bundle`; nil (logged) when
    /// it is missing or refused: the regressor still predicts.
    private func companion(_ version: ModelVersion, _ name: String) -> LoadedModel? {
        guard case .object(let fields) = version.hyperparameters,
              case .object(let bundle)? = fields.first(where: { $0.0 == "bundle" })?.1,
              case .string(let raw)? = bundle.first(where: { $0.0 == name })?.1, let id = ULID(raw) else { return nil }
        if let m = state.withLock({ $0.loaded[id] }) { return m }
        guard let v = try? models.version(id: id) else { return nil }
        if case .success(let m) = load(v) { return m }
        return nil
    }

    struct Refusal: Error { let reason: String }

    private func load(_ version: ModelVersion) -> Result<LoadedModel, Refusal> {
        if let m = state.withLock({ $0.loaded[version.id] }) { return .success(m) }
        if let why = state.withLock({ $0.refused[version.id] }) { return .failure(Refusal(reason: why)) }
        let result: Result<LoadedModel, Refusal>
        do {
            guard let bytes = try models.artifact(id: version.id) else {
                throw PipelineError.artifact("artifact bytes were pruned by retention")
            }
            let artifact = try ModelArtifact.decode(bytes: bytes, expectedSHA256: version.sha256)
            guard artifact.featureSet == featureSet.name, artifact.columns == featureSet.columns else {
                throw PipelineError.artifact("artifact is for feature set \(artifact.featureSet), not \(featureSet.name)")
            }
            result = .success(LoadedModel(version: version, artifact: artifact))
        } catch {
            result = .failure(Refusal(reason: "\(error)"))
        }
        state.withLock { s in
            switch result {
            case .success(let m): s.loaded[version.id] = m
            case .failure(let r): s.refused[version.id] = r.reason
            }
        }
        if case .failure(let r) = result {
            logger.error("model refused", metadata: ["model": "\(version.id)", "asset": "\(version.asset)", "reason": "\(r.reason)"])
        }
        return result
    }

    /// Keeps decoded artifacts bounded: those no current bundle uses go once there are many.
    private func evictUnused(_ s: inout State) {
        guard s.loaded.count > 64 else { return }
        var used = Set<ULID>()
        for b in s.bundles.values {
            for p in [b.champion] + b.shadows {
                used.insert(p.regressor.version.id)
                if let c = p.classifier { used.insert(c.version.id) }
                if let r = p.regimes { used.insert(r.version.id) }
            }
        }
        s.loaded = s.loaded.filter { used.contains($0.key) }
    }
}
