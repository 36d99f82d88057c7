/// An additive ensemble of regression trees: `output(x) = base + scale × Σ tree(x)`, summed in
/// tree order. Random forests use `scale = 1 / trees`; boosting bakes its learning rate into
/// the leaves and uses `scale = 1`.
///
/// Explanations: `featureImportance` is the total split gain per feature normalised to sum 1
/// (all zeros when no tree splits); `contributions` are exact TreeSHAP values summed over the
/// trees with the ensemble's scale, so `expectedValue + Σ contributions == predict(x)` up to
/// rounding (≪ 1e-9 on log returns and log-odds).
public struct TreeEnsemble: Explainable, Hashable, Codable {
    public let base: Double
    public let scale: Double
    public let featureCount: Int
    public let trees: [RegressionTree]
    public let expectedValue: Double
    public let featureImportance: [Double]
    private let maxDepth: Int

    public init(base: Double, scale: Double, featureCount: Int, trees: [RegressionTree]) {
        self.base = base
        self.scale = scale
        self.featureCount = featureCount
        self.trees = trees
        var expected = 0.0
        var gains = [Double](repeating: 0, count: featureCount)
        var depth = 0
        for t in trees {
            expected += t.expectedValue
            depth = max(depth, t.depth)
            for i in 0..<t.nodeCount where t.feature[i] >= 0 { gains[Int(t.feature[i])] += t.gain[i] }
        }
        expectedValue = base + scale * expected
        let total = gains.reduce(0, +)
        featureImportance = total > 0 ? gains.map { $0 / total } : gains
        maxDepth = depth
    }

    private enum CodingKeys: String, CodingKey { case base, scale, featureCount, trees }
    /// The most features a decoded ensemble may name (feature sets have tens).
    static let maximumFeatureCount = 100_000

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let trees = try c.decode([RegressionTree].self, forKey: .trees)
        let featureCount = try c.decode(Int.self, forKey: .featureCount)
        // Sizes buffers at prediction and explanation time: bound it before anything allocates.
        guard (1...Self.maximumFeatureCount).contains(featureCount) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "featureCount \(featureCount) outside 1...\(Self.maximumFeatureCount)"))
        }
        for t in trees { try TreeEnsemble.validate(t, featureCount: featureCount, codingPath: decoder.codingPath) }
        self.init(base: try c.decode(Double.self, forKey: .base), scale: try c.decode(Double.self, forKey: .scale),
                  featureCount: featureCount, trees: trees)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(base, forKey: .base)
        try c.encode(scale, forKey: .scale)
        try c.encode(featureCount, forKey: .featureCount)
        try c.encode(trees, forKey: .trees)
    }

    /// Refuses decoded trees that would index out of range or loop, so a corrupt artifact
    /// fails at load rather than crashing at prediction.
    private static func validate(_ t: RegressionTree, featureCount: Int, codingPath: [any CodingKey]) throws {
        if let problem = t.structuralProblem(featureCount: featureCount) {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "malformed regression tree: \(problem)"))
        }
    }

    /// NaN when `x` does not have `featureCount` values.
    public func predict(_ x: ArraySlice<Double>) -> Double {
        guard x.count == featureCount else { return .nan }
        var sum = 0.0
        for t in trees { sum += t.predict(x) }
        return base + scale * sum
    }

    public func contributions(_ x: ArraySlice<Double>) -> [Double] {
        var phi = [Double](repeating: 0, count: featureCount)
        guard featureCount > 0, x.count == featureCount else { return phi }
        let capacity = TreeSHAP.pathCapacity(depth: maxDepth)
        let path = UnsafeMutablePointer<TreeSHAP.PathElement>.allocate(capacity: capacity)
        path.initialize(repeating: TreeSHAP.PathElement(), count: capacity)
        defer { path.deinitialize(count: capacity); path.deallocate() }
        phi.withUnsafeMutableBufferPointer { p in
            for t in trees {
                TreeSHAP.accumulate(tree: t, x: x, scale: scale, phi: p.baseAddress!, path: path)
            }
        }
        return phi
    }
}
