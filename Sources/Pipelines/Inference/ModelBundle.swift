public import Domain
public import Learning

/// A registered model version with its decoded, checksum-verified artifact.
public struct LoadedModel: Sendable {
    public let version: ModelVersion
    public let artifact: ModelArtifact

    public init(version: ModelVersion, artifact: ModelArtifact) { self.version = version; self.artifact = artifact }
}

/// A return regressor with the companions named in its `hyperparameters.bundle`: the
/// direction classifier that gives the confidence and the regime model that names the
/// market state. Companions are optional: a model predicts without them (confidence and
/// regime are then null).
public struct PredictorBundle: Sendable {
    public let regressor: LoadedModel
    public let classifier: LoadedModel?
    public let regimes: LoadedModel?

    public init(regressor: LoadedModel, classifier: LoadedModel?, regimes: LoadedModel?) {
        self.regressor = regressor; self.classifier = classifier; self.regimes = regimes
    }

    /// One prediction from one raw feature row (feature set order).
    public func evaluate(raw row: [Double]) throws -> Evaluation {
        guard let r = try regressor.artifact.predict(raw: row[...]), r.isFinite else {
            throw PipelineError.artifact("model \(regressor.version.id) gave no finite prediction")
        }
        // A zero return is not a call for up: it is read as "down" (not up), as the
        // training targets define direction 1 only for a strictly higher future price.
        let direction: Direction = r > 0 ? .up : .down
        var confidence: Double?
        if let classifier, let pUp = try classifier.artifact.predict(raw: row[...]), pUp.isFinite {
            confidence = direction == .up ? pUp : 1 - pUp
        }
        let regime = try regimes?.artifact.regime(raw: row[...])?.rawValue
        return Evaluation(predictedReturn: r, direction: direction, confidence: confidence, regime: regime)
    }

    /// What a bundle says about one row.
    public struct Evaluation: Sendable, Equatable {
        public var predictedReturn: Double
        public var direction: Direction
        public var confidence: Double?
        public var regime: String?
    }
}

/// What inference runs for one asset: the champion (production) bundle and the shadow
/// bundles (the newest challengers and the previous production version), all loaded once.
///
/// Invariant: no shadow has the champion's id, and shadow ids are unique.
public struct ModelBundle: Sendable {
    public let asset: AssetID
    public let champion: PredictorBundle
    public let shadows: [PredictorBundle]
    /// Versions that could not be loaded (tampered or pruned artifacts), with the reason.
    public let refused: [(id: ULID, reason: String)]

    /// The ids the bundle was built from; a different key means production or the
    /// challengers changed and the bundle must be rebuilt.
    public let key: Key

    public struct Key: Sendable, Hashable {
        public var production: ULID
        public var shadows: [ULID]
    }

    public init(asset: AssetID, champion: PredictorBundle, shadows: [PredictorBundle], refused: [(id: ULID, reason: String)], key: Key) {
        self.asset = asset; self.champion = champion; self.shadows = shadows; self.refused = refused; self.key = key
    }
}
