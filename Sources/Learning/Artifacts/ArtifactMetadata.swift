import Domain

/// The JSON part of a `sentinel.model.v2` artifact: everything but tree node arrays. Small
/// (columns, scaler, hyper-parameters, the whole of a ridge, persistence or regime model), so
/// it keeps the self-describing sorted-key JSON of v1; the bulk of a tree model is binary.
struct ArtifactMetadata: Codable {
    let columns: [String]
    let family: ModelFamily
    let featureSet: String
    let payload: PayloadMetadata
    let scaler: StandardScaler?
}

/// `ModelPayload` without tree node arrays, encoded as `{"kind", "model"}` like the payload:
/// a non-tree model is written whole (its own Codable form and checks), a tree model as its
/// `TreeModelHeader` (hyper-parameters, ensemble scalars, tree count).
enum PayloadMetadata: Codable {
    case complete(ModelPayload)
    case randomForest(TreeModelHeader<RandomForest.Hyperparameters>)
    case gradientBoosting(TreeModelHeader<GradientBoosting.Hyperparameters>)
    case xgboost(TreeModelHeader<XGBoostRegressor.Hyperparameters>)
    case directionClassifier(TreeModelHeader<DirectionClassifier.Hyperparameters>)

    init(_ payload: ModelPayload) {
        switch payload {
        case .randomForest(let m): self = .randomForest(m.artifactHeader)
        case .gradientBoosting(let m): self = .gradientBoosting(m.artifactHeader)
        case .xgboost(let m): self = .xgboost(m.artifactHeader)
        case .directionClassifier(let m): self = .directionClassifier(m.artifactHeader)
        case .ridge, .persistence, .regimes: self = .complete(payload)
        }
    }

    /// The trees whose node arrays follow the metadata, in ensemble order; nil for non-tree models.
    static func trees(of payload: ModelPayload) -> [RegressionTree]? {
        switch payload {
        case .randomForest(let m): return m.ensemble.trees
        case .gradientBoosting(let m): return m.ensemble.trees
        case .xgboost(let m): return m.ensemble.trees
        case .directionClassifier(let m): return m.ensemble.trees
        case .ridge, .persistence, .regimes: return nil
        }
    }

    /// Tree count and feature count the binary part must hold; nil for a complete payload.
    var treeShape: (trees: Int, features: Int)? {
        switch self {
        case .complete: return nil
        case .randomForest(let h): return (h.ensemble.treeCount, h.ensemble.featureCount)
        case .gradientBoosting(let h): return (h.ensemble.treeCount, h.ensemble.featureCount)
        case .xgboost(let h): return (h.ensemble.treeCount, h.ensemble.featureCount)
        case .directionClassifier(let h): return (h.ensemble.treeCount, h.ensemble.featureCount)
        }
    }

    /// The payload, given the trees read from the binary part (ignored for a complete payload).
    func payload(trees: [RegressionTree]) throws(LearningError) -> ModelPayload {
        switch self {
        case .complete(let p): return p
        case .randomForest(let h): return .randomForest(try RandomForest(header: h, trees: trees))
        case .gradientBoosting(let h): return .gradientBoosting(try GradientBoosting(header: h, trees: trees))
        case .xgboost(let h): return .xgboost(try XGBoostRegressor(header: h, trees: trees))
        case .directionClassifier(let h): return .directionClassifier(try DirectionClassifier(header: h, trees: trees))
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, model }

    func encode(to encoder: any Encoder) throws {
        if case .complete(let p) = self { return try p.encode(to: encoder) }
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .complete: break
        case .randomForest(let h): try c.encode(ModelFamily.randomForest, forKey: .kind); try c.encode(h, forKey: .model)
        case .gradientBoosting(let h): try c.encode(ModelFamily.gradientBoosting, forKey: .kind); try c.encode(h, forKey: .model)
        case .xgboost(let h): try c.encode(ModelFamily.xgboost, forKey: .kind); try c.encode(h, forKey: .model)
        case .directionClassifier(let h):
            try c.encode(ModelFamily.directionClassifier, forKey: .kind); try c.encode(h, forKey: .model)
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch ModelFamily(rawValue: try c.decode(String.self, forKey: .kind)) {
        case .randomForest: self = .randomForest(try c.decode(TreeModelHeader.self, forKey: .model))
        case .gradientBoosting: self = .gradientBoosting(try c.decode(TreeModelHeader.self, forKey: .model))
        case .xgboost: self = .xgboost(try c.decode(TreeModelHeader.self, forKey: .model))
        case .directionClassifier: self = .directionClassifier(try c.decode(TreeModelHeader.self, forKey: .model))
        // Everything else (an unknown kind included) is the payload's own business.
        default: self = .complete(try ModelPayload(from: decoder))
        }
    }
}
