/// A fitted model that maps one feature vector (in the representation it was fitted on)
/// to one number: a log return for regressors, P(up) for the direction classifier.
public protocol Predictor: Sendable {
    func predict(_ x: ArraySlice<Double>) -> Double
}

extension Predictor {
    public func predict(_ x: [Double]) -> Double { predict(x[...]) }
    public func predict(_ m: Matrix) -> [Double] { (0..<m.rows).map { predict(m.row($0)) } }
}

/// A model that can say how much each feature pushed one prediction away from the
/// expected value: `expectedValue + contributions.sum() == prediction` (to 1e-9).
public protocol Explainable: Predictor {
    var expectedValue: Double { get }
    func contributions(_ x: ArraySlice<Double>) -> [Double]
    /// Global importance per feature (gain for trees, |coef × std| for linear), summing to 1 when not all zero.
    var featureImportance: [Double] { get }
}

/// What a learner can fail with while fitting.
public enum LearningError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyTrainingSet
    case shapeMismatch(String)
    case nonFiniteInput(String)
    case singular(String)
    case invalidHyperparameter(String)
    case artifact(String)

    public var description: String {
        switch self {
        case .emptyTrainingSet: return "no training rows"
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .nonFiniteInput(let s): return "non-finite input: \(s)"
        case .singular(let s): return "singular system: \(s)"
        case .invalidHyperparameter(let s): return "invalid hyper-parameter: \(s)"
        case .artifact(let s): return "bad model artifact: \(s)"
        }
    }
}
