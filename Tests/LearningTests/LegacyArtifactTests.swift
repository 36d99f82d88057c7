import Domain
import Foundation
import Testing
@testable import Learning

/// Artifacts written by the `sentinel.model.v1` encoder (Fixtures/artifact-v1-*.json) still
/// decode and predict exactly what they predicted when they were written.
@Suite("Legacy v1 artifacts")
struct LegacyArtifactTests {
    struct Expectation { let row: Int, bits: UInt64 }

    static func fixtureBytes(_ family: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "artifact-v1-\(family)", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return [UInt8](try Data(contentsOf: url))
    }

    static func expectations(_ family: String) throws -> [Expectation] {
        let url = try #require(Bundle.module.url(forResource: "artifact-v1-expected", withExtension: "txt",
                                                 subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 3, f[0] == family else { return nil }
            return Expectation(row: try #require(Int(f[1])), bits: try #require(UInt64(f[2], radix: 16)))
        }
    }

    static func rawRow(_ r: Int) throws -> ArraySlice<Double> {
        try #require(ReferenceFixture.sevenDay).features.row(r)
    }

    @Test("v1 forest, XGBoost and ridge artifacts decode to the predictions recorded when written",
          arguments: ["random_forest", "xgboost", "ridge"])
    func legacyPredictions(family: String) throws {
        let bytes = try Self.fixtureBytes(family)
        let artifact = try ModelArtifact.decode(bytes: bytes, expectedSHA256: ModelArtifact.checksum(bytes))
        #expect(artifact.format == "sentinel.model.v1")
        #expect(artifact.family.rawValue == family)
        let expected = try Self.expectations(family)
        #expect(expected.count >= 8)
        for e in expected {
            let prediction = try #require(try artifact.predict(raw: Self.rawRow(e.row)))
            #expect(prediction.bitPattern == e.bits, "row \(e.row)")
        }
    }

    @Test("a v1 artifact re-encoded as v2 predicts the same bits", arguments: ["random_forest", "xgboost", "ridge"])
    func legacyReencoded(family: String) throws {
        let bytes = try Self.fixtureBytes(family)
        let legacy = try ModelArtifact.decode(bytes: bytes, expectedSHA256: ModelArtifact.checksum(bytes))
        let encoded = try legacy.encoded()
        let current = try ModelArtifact.decode(bytes: encoded.bytes, expectedSHA256: encoded.sha256)
        #expect(current.format == ModelArtifact.currentFormat)
        for e in try Self.expectations(family) {
            let prediction = try #require(try current.predict(raw: Self.rawRow(e.row)))
            #expect(prediction.bitPattern == e.bits, "row \(e.row)")
        }
    }

    @Test("a v1 artifact with a matching checksum but an absurd feature count is refused, not allocated",
          arguments: ["-5", "0", "1000000000000"])
    func legacyAbsurdFeatureCount(count: String) throws {
        let text = String(decoding: try Self.fixtureBytes("xgboost"), as: UTF8.self)
        #expect(text.contains(#""featureCount":32"#))
        let crafted = Array(text.replacingOccurrences(of: #""featureCount":32"#, with: #""featureCount":\#(count)"#).utf8)
        #expect(throws: LearningError.self) {
            try ModelArtifact.decode(bytes: crafted, expectedSHA256: ModelArtifact.checksum(crafted))
        }
    }

    @Test("a v1 artifact with a tampered byte is refused by its checksum")
    func legacyTamperRefused() throws {
        var bytes = try Self.fixtureBytes("xgboost")
        let sha = ModelArtifact.checksum(bytes)
        let digit = try #require(bytes.lastIndex(of: UInt8(ascii: "3")))
        bytes[digit] = UInt8(ascii: "4")
        #expect(throws: LearningError.self) { try ModelArtifact.decode(bytes: bytes, expectedSHA256: sha) }
    }
}
