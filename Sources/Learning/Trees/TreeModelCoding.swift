/// What every fitted tree-ensemble family is made of: its hyper-parameters and its trees.
/// The four families share one encoded form, `{"formatVersion", "hyperparameters",
/// "ensemble"}`, written and checked here once.
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
