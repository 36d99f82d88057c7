import Domain
import Foundation
import Testing
@testable import Learning

/// The binary `sentinel.model.v2` format: exact round trips, and corrupt input (with a matching
/// checksum, so the parser itself is tested) refused with a reason instead of a crash.
@Suite("Artifact format v2")
struct ArtifactFormatTests {
    /// A small XGBoost artifact (3 trees) on the 7-day fixture.
    static func smallTreeArtifact() throws -> ModelArtifact {
        let p = try #require(Window.sevenDay.prepared)
        let model = try XGBoostRegressor.fit(x: p.trainX.selecting(rows: 0..<300), y: Array(p.trainY[0..<300]),
                                             hyperparameters: .init(treeCount: 3, maxDepth: 3), seed: 1)
        return try ModelArtifact(featureSet: "v1", columns: p.fixture.columns, scaler: p.scaler, payload: .xgboost(model))
    }

    @Test("every full-size tree family decodes to an equal model", arguments: 0..<4)
    func treeFamiliesRoundTripEqual(index: Int) throws {
        let fits = try #require(TreeFits.sevenDay)
        let payloads: [ModelPayload] = [.randomForest(try #require(fits.forest)), .gradientBoosting(fits.boosting),
                                        .xgboost(fits.xgboost), .directionClassifier(fits.classifier)]
        let artifact = try ModelArtifact(featureSet: "v1", columns: fits.data.fixture.columns, scaler: fits.data.scaler,
                                         payload: payloads[index])
        let encoded = try artifact.encoded()
        #expect(try artifact.encoded() == encoded)
        let decoded = try ModelArtifact.decode(bytes: encoded.bytes, expectedSHA256: encoded.sha256)
        #expect(decoded.format == "sentinel.model.v2")
        switch (artifact.payload, decoded.payload) {
        case (.randomForest(let a), .randomForest(let b)): #expect(a == b)
        case (.gradientBoosting(let a), .gradientBoosting(let b)): #expect(a == b)
        case (.xgboost(let a), .xgboost(let b)): #expect(a == b)
        case (.directionClassifier(let a), .directionClassifier(let b)): #expect(a == b)
        default: Issue.record("payload changed family")
        }
    }

    @Test("the metadata is sorted-key JSON naming the tree count, followed by the node arrays")
    func layoutMatchesDocumentation() throws {
        let encoded = try Self.smallTreeArtifact().encoded()
        let parts = try #require(ArtifactV2Parts(encoded.bytes))
        #expect(parts.json.hasPrefix(#"{"columns":["#))
        #expect(parts.json.contains(#""treeCount":3"#))
        #expect(parts.json.contains(#""kind":"xgboost""#))
        guard case .xgboost(let model) = try Self.smallTreeArtifact().payload else { Issue.record("not xgboost"); return }
        let nodes = model.ensemble.trees.reduce(0) { $0 + $1.nodeCount }
        #expect(parts.binary.count == 3 * 4 + nodes * 44)
    }

    @Test("truncated artifacts are refused at every cut")
    func truncationRefused() throws {
        let bytes = try Self.smallTreeArtifact().encoded().bytes
        let parts = try #require(ArtifactV2Parts(bytes))
        let metadataEnd = bytes.count - parts.binary.count
        let cuts = [0, 1, 10, 18, 20, 22, metadataEnd / 2, metadataEnd - 1, metadataEnd, metadataEnd + 2,
                    metadataEnd + 40, bytes.count - 8, bytes.count - 1]
        for cut in cuts {
            let reason = artifactFailure(Array(bytes.prefix(cut)))
            #expect(reason != nil, "cut at \(cut) of \(bytes.count)")
        }
    }

    @Test("trailing bytes after the last tree are refused")
    func trailingBytesRefused() throws {
        let reason = try #require(artifactFailure(try Self.smallTreeArtifact().encoded().bytes + [0]))
        #expect(reason.contains("1 bytes after the model"))
    }

    @Test("an absurd tree count is refused before anything is allocated")
    func absurdTreeCountRefused() throws {
        var parts = try #require(ArtifactV2Parts(try Self.smallTreeArtifact().encoded().bytes))
        parts.json = parts.json.replacingOccurrences(of: #""treeCount":3"#, with: #""treeCount":4000000000000"#)
        let reason = try #require(artifactFailure(parts.bytes))
        #expect(reason.contains("tree count 4000000000000"))
    }

    @Test("an absurd node count or metadata length is refused as truncated")
    func absurdNodeCountRefused() throws {
        let bytes = try Self.smallTreeArtifact().encoded().bytes
        var parts = try #require(ArtifactV2Parts(bytes))
        parts.binary.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let nodeReason = try #require(artifactFailure(parts.bytes))
        #expect(nodeReason.contains("tree 0 features needs"))
        var long = bytes
        long.replaceSubrange(18..<22, with: [0xFF, 0xFF, 0xFF, 0x7F])
        let lengthReason = try #require(artifactFailure(long))
        #expect(lengthReason.contains("metadata JSON needs"))
    }

    @Test("a tree whose child points backwards is refused with the tree's index")
    func backwardChildRefused() throws {
        var parts = try #require(ArtifactV2Parts(try Self.smallTreeArtifact().encoded().bytes))
        let n = (0..<4).reduce(0) { $0 | Int(parts.binary[$1]) << (8 * $1) }
        let leftOfRoot = 4 + 4 * n
        parts.binary.replaceSubrange(leftOfRoot..<(leftOfRoot + 4), with: [0, 0, 0, 0])
        let reason = try #require(artifactFailure(parts.bytes))
        #expect(reason.contains("tree 0: node 0 has children 0"))
    }

    @Test("a feature count other than the columns is refused")
    func featureCountChecked() throws {
        var parts = try #require(ArtifactV2Parts(try Self.smallTreeArtifact().encoded().bytes))
        parts.json = parts.json.replacingOccurrences(of: #""featureCount":32"#, with: #""featureCount":-5"#)
        let reason = try #require(artifactFailure(parts.bytes))
        #expect(reason.contains("takes -5 features"))
    }

    @Test("garbage after a valid format line is refused, never crashed on")
    func garbageRefused() throws {
        var rng = SplitMix64(seed: 7)
        for length in [0, 3, 4, 5, 64, 1000] {
            let noise = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let reason = artifactFailure(ArtifactV2Parts.formatLine + noise)
            #expect(reason != nil, "\(length) random bytes")
        }
        #expect(artifactFailure(Array("hello".utf8))?.contains("not a model artifact") == true)
    }

    @Test("a newer tree formatVersion in the metadata is refused")
    func treeFormatVersionChecked() throws {
        var parts = try #require(ArtifactV2Parts(try Self.smallTreeArtifact().encoded().bytes))
        parts.json = parts.json.replacingOccurrences(of: #""formatVersion":1,"hyperparameters""#,
                                                     with: #""formatVersion":2,"hyperparameters""#)
        let reason = try #require(artifactFailure(parts.bytes))
        #expect(reason.contains("formatVersion 2"))
    }
}
