public import Domain

/// The fitted model inside a `ModelArtifact`, one case per model family.
///
/// Encoded as `{"kind": <ModelFamily raw value>, "model": <the model's own Codable form>}`;
/// every model carries its own `formatVersion`, and a model newer than this build knows is
/// refused at decode. Adding a family = one case here, one line in each switch below (and in
/// `PayloadMetadata`, which writes tree families' node arrays in binary in v2 artifacts).
public enum ModelPayload: Sendable, Codable {
    case ridge(RidgeRegression)
    case persistence(Persistence)
    case regimes(RegimeModel)
    case randomForest(RandomForest)
    case gradientBoosting(GradientBoosting)
    case xgboost(XGBoostRegressor)
    case directionClassifier(DirectionClassifier)

    public var family: ModelFamily {
        switch self {
        case .ridge: return .ridge
        case .persistence: return .persistence
        case .regimes: return .regimes
        case .randomForest: return .randomForest
        case .gradientBoosting: return .gradientBoosting
        case .xgboost: return .xgboost
        case .directionClassifier: return .directionClassifier
        }
    }

    /// The return predictor (P(up) for the direction classifier); nil for the regime model,
    /// which labels rows instead.
    public var predictor: (any Explainable)? {
        switch self {
        case .ridge(let m): return m
        case .persistence(let m): return m
        case .regimes: return nil
        case .randomForest(let m): return m
        case .gradientBoosting(let m): return m
        case .xgboost(let m): return m
        case .directionClassifier(let m): return m
        }
    }

    /// How many features the model takes (checked against the artifact's columns at decode).
    var inputCount: Int? {
        switch self {
        case .regimes(let m): return m.pca.mean.count
        default: return predictor?.featureImportance.count
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, model }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .kind)
        switch self {
        case .ridge(let m): try c.encode(m, forKey: .model)
        case .persistence(let m): try c.encode(m, forKey: .model)
        case .regimes(let m): try c.encode(m, forKey: .model)
        case .randomForest(let m): try c.encode(m, forKey: .model)
        case .gradientBoosting(let m): try c.encode(m, forKey: .model)
        case .xgboost(let m): try c.encode(m, forKey: .model)
        case .directionClassifier(let m): try c.encode(m, forKey: .model)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch ModelFamily(rawValue: kind) {
        case .ridge:
            let m = try c.decode(RidgeRegression.self, forKey: .model)
            try Self.check(m.formatVersion, RidgeRegression.formatVersion, kind, c)
            guard m.featureMean.count == m.coefficients.count, m.featureStd.count == m.coefficients.count else {
                throw DecodingError.dataCorruptedError(forKey: .model, in: c,
                    debugDescription: "ridge coefficients, means and stds differ in length")
            }
            self = .ridge(m)
        case .persistence:
            let m = try c.decode(Persistence.self, forKey: .model)
            try Self.check(m.formatVersion, Persistence.formatVersion, kind, c)
            self = .persistence(m)
        case .regimes:
            let m = try c.decode(RegimeModel.self, forKey: .model)
            try Self.check(m.formatVersion, RegimeModel.formatVersion, kind, c)
            guard m.isConsistent else {
                throw DecodingError.dataCorruptedError(forKey: .model, in: c,
                    debugDescription: "regime model's PCA, centroids and names do not fit together")
            }
            self = .regimes(m)
        // Tree models check their own formatVersion in their decoders.
        case .randomForest: self = .randomForest(try c.decode(RandomForest.self, forKey: .model))
        case .gradientBoosting: self = .gradientBoosting(try c.decode(GradientBoosting.self, forKey: .model))
        case .xgboost: self = .xgboost(try c.decode(XGBoostRegressor.self, forKey: .model))
        case .directionClassifier: self = .directionClassifier(try c.decode(DirectionClassifier.self, forKey: .model))
        case nil:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                debugDescription: "model kind '\(kind)' is not known to this build")
        }
    }

    private static func check(_ found: Int, _ known: Int, _ kind: String,
                              _ c: KeyedDecodingContainer<CodingKeys>) throws {
        guard found >= 1, found <= known else {
            throw DecodingError.dataCorruptedError(forKey: .model, in: c,
                debugDescription: "\(kind) model format version \(found); this build reads up to \(known)")
        }
    }
}
