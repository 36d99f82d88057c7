import Foundation
import Learning
import Testing

/// Every tree model survives a JSON round trip with bit-identical predictions.
@Suite("Tree serialization")
struct TreeSerializationTests {
    static func fits() throws -> TreeFits { try #require(TreeFits.sevenDay) }

    @Test("random forest decodes to bit-identical predictions")
    func forest() throws {
        let fits = try Self.fits()
        let model = try #require(fits.forest)
        let decoded = try jsonRoundTrip(model)
        #expect(decoded.predict(fits.data.holdoutX) == model.predict(fits.data.holdoutX))
        #expect(decoded == model)
    }

    @Test("gradient boosting decodes to bit-identical predictions")
    func boosting() throws {
        let fits = try Self.fits()
        let decoded = try jsonRoundTrip(fits.boosting)
        #expect(decoded.predict(fits.data.holdoutX) == fits.boosting.predict(fits.data.holdoutX))
        #expect(decoded.contributions(fits.data.holdoutX.row(3)) == fits.boosting.contributions(fits.data.holdoutX.row(3)))
    }

    @Test("XGBoost-style model decodes to bit-identical predictions")
    func xgboost() throws {
        let fits = try Self.fits()
        let decoded = try jsonRoundTrip(fits.xgboost)
        #expect(decoded.predict(fits.data.holdoutX) == fits.xgboost.predict(fits.data.holdoutX))
        #expect(decoded.expectedValue == fits.xgboost.expectedValue)
    }

    @Test("direction classifier decodes to bit-identical probabilities")
    func classifier() throws {
        let fits = try Self.fits()
        let decoded = try jsonRoundTrip(fits.classifier)
        #expect(decoded.predict(fits.data.holdoutX) == fits.classifier.predict(fits.data.holdoutX))
    }

    @Test("the encoding carries formatVersion and another version is refused")
    func formatVersion() throws {
        let model = try GradientBoosting.fit(x: Matrix(rows: 4, columns: 1, values: [1, 2, 3, 4]),
                                             y: [0, 1, 0, 1], hyperparameters: .init(treeCount: 2), seed: 1)
        let data = try JSONEncoder().encode(model)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["formatVersion"] as? Int == GradientBoosting.formatVersion)
        object["formatVersion"] = 99
        let tampered = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(GradientBoosting.self, from: tampered) }
    }

    @Test("a tree whose child indices point backwards is refused at decode")
    func malformedTree() throws {
        let model = try GradientBoosting.fit(x: Matrix(rows: 4, columns: 1, values: [1, 2, 3, 4]),
                                             y: [0, 1, 0, 1], hyperparameters: .init(treeCount: 1), seed: 1)
        let text = try #require(String(data: JSONEncoder().encode(model), encoding: .utf8))
        let broken = text.replacingOccurrences(of: "\"left\":[1", with: "\"left\":[0")
        #expect(broken != text)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(GradientBoosting.self, from: Data(broken.utf8)) }
    }
}
