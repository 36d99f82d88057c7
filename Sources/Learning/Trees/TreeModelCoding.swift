/// What every fitted tree-ensemble family is made of: its hyper-parameters and its trees.
/// The four families share one Codable form, `{"formatVersion", "hyperparameters",
/// "ensemble"}` (that of `sentinel.model.v1` artifacts), written and checked here once;
/// v2 artifacts use `TreeModelHeader` plus binary node arrays instead.
protocol TreeEnsembleModel: Codable {
    associatedtype Hyperparameters: Codable
    static var formatVersion: Int { get }
    var hyperparameters: Hyperparameters { get }
    var ensemble: TreeEnsemble { get }
    init(hyperparameters: Hyperparameters, ensemble: TreeEnsemble)
}

private enum TreeModelCodingKeys: String, CodingKey { case formatVersion, hyperparameters, ensemble }

extension TreeEnsembleModel {
    /// Decodes the shared form, refusing a `formatVersion` this build does not read.
    init(decodingTreeModel decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: TreeModelCodingKeys.self)
        let found = try c.decode(Int.self, forKey: .formatVersion)
        guard found == Self.formatVersion else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "\(Self.self) formatVersion \(found), this build reads \(Self.formatVersion)"))
        }
        self.init(hyperparameters: try c.decode(Hyperparameters.self, forKey: .hyperparameters),
                  ensemble: try c.decode(TreeEnsemble.self, forKey: .ensemble))
    }

    func encodeTreeModel(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: TreeModelCodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .formatVersion)
        try c.encode(hyperparameters, forKey: .hyperparameters)
        try c.encode(ensemble, forKey: .ensemble)
    }
}

/// A tree model inside a `sentinel.model.v2` artifact, minus its node arrays (which follow the
/// metadata JSON in binary): `{"ensemble":{…},"formatVersion":1,"hyperparameters":{…}}`.
struct TreeModelHeader<Hyperparameters: Codable>: Codable {
    /// `TreeEnsemble`'s scalars and how many trees follow in the binary part.
    struct Ensemble: Codable {
        let base: Double
        let featureCount: Int
        let scale: Double
        let treeCount: Int
    }

    let ensemble: Ensemble
    let formatVersion: Int
    let hyperparameters: Hyperparameters
}

extension TreeEnsembleModel {
    /// The JSON part of this model in a v2 artifact.
    var artifactHeader: TreeModelHeader<Hyperparameters> {
        TreeModelHeader(ensemble: .init(base: ensemble.base, featureCount: ensemble.featureCount,
                                        scale: ensemble.scale, treeCount: ensemble.trees.count),
                        formatVersion: Self.formatVersion, hyperparameters: hyperparameters)
    }

    /// Rebuilds the model from its v2 header and its (already validated) trees, refusing a
    /// `formatVersion` this build does not read or a tree count other than the header's.
    init(header: TreeModelHeader<Hyperparameters>, trees: [RegressionTree]) throws(LearningError) {
        guard header.formatVersion == Self.formatVersion else {
            throw .artifact("\(Self.self) formatVersion \(header.formatVersion), this build reads \(Self.formatVersion)")
        }
        guard trees.count == header.ensemble.treeCount else {
            throw .artifact("\(Self.self) header names \(header.ensemble.treeCount) trees, \(trees.count) read")
        }
        let e = header.ensemble
        self.init(hyperparameters: header.hyperparameters,
                  ensemble: TreeEnsemble(base: e.base, scale: e.scale, featureCount: e.featureCount, trees: trees))
    }
}
