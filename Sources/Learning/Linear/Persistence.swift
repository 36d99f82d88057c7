/// The naive baseline every regressor is scored against: the price stays where it is,
/// so the predicted log return is always 0. Its contributions are all 0.
public struct Persistence: Explainable, Hashable, Codable {
    public static let formatVersion = 1
    public let formatVersion: Int
    /// Number of features it is applied to (only for the shape of its explanations).
    public let featureCount: Int

    public init(featureCount: Int) {
        formatVersion = Self.formatVersion
        self.featureCount = featureCount
    }

    public func predict(_ x: ArraySlice<Double>) -> Double { 0 }
    public var expectedValue: Double { 0 }
    public func contributions(_ x: ArraySlice<Double>) -> [Double] { [Double](repeating: 0, count: x.count) }
    public var featureImportance: [Double] { [Double](repeating: 0, count: featureCount) }
}
