import Domain
import Foundation
import Testing
@testable import Learning

@Suite("Model artifacts")
struct ArtifactTests {
    static func ridgeArtifact() throws -> (ModelArtifact, PreparedFixture) {
        let p = try #require(Window.sevenDay.prepared)
        let ridge = try RidgeRegression(fitting: p.trainX, targets: p.trainY)
        let artifact = try ModelArtifact(featureSet: "v1", columns: p.fixture.columns, scaler: p.scaler,
                                         payload: .ridge(ridge))
        return (artifact, p)
    }

    @Test("a ridge artifact round-trips to bit-identical predictions")
    func ridgeRoundTrip() throws {
        let (artifact, p) = try Self.ridgeArtifact()
        let encoded = try artifact.encoded()
        let decoded = try ModelArtifact.decode(bytes: encoded.bytes, expectedSHA256: encoded.sha256)
        #expect(decoded.family == .ridge && decoded.featureSet == "v1" && decoded.columns == p.fixture.columns)
        guard case .ridge(let original) = artifact.payload, case .ridge(let restored) = decoded.payload else {
            Issue.record("payload is not ridge"); return
        }
        #expect(restored == original)
        #expect(decoded.scaler == p.scaler)
        let raw = p.fixture.rows(p.split.holdout)
        for r in 0..<raw.rows {
            let before = try #require(try artifact.predict(raw: raw.row(r)))
            let after = try #require(try decoded.predict(raw: raw.row(r)))
            #expect(before.bitPattern == after.bitPattern)
        }
    }

    @Test("the same model always encodes to the same bytes and checksum")
    func encodingIsDeterministic() throws {
        let (artifact, _) = try Self.ridgeArtifact()
        let a = try artifact.encoded(), b = try artifact.encoded()
        #expect(a == b)
        #expect(a.sha256.count == 64)
        #expect(String(decoding: a.bytes.prefix(18), as: UTF8.self) == "sentinel.model.v2\n")
    }

    @Test("a tampered byte is refused with a checksum error")
    func tamperedByteRefused() throws {
        let (artifact, _) = try Self.ridgeArtifact()
        let encoded = try artifact.encoded()
        var bytes = encoded.bytes
        let digit = try #require(bytes.lastIndex(of: UInt8(ascii: "7")))
        bytes[digit] = UInt8(ascii: "8")
        do {
            _ = try ModelArtifact.decode(bytes: bytes, expectedSHA256: encoded.sha256)
            Issue.record("tampered artifact was accepted")
        } catch {
            guard case .artifact(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains("checksum mismatch"))
            #expect(message.contains(encoded.sha256))
        }
    }

    @Test("an unknown format name is refused even with a matching checksum")
    func unknownFormatRefused() throws {
        let legacy = Array(#"{"format":"sentinel.model.v9","family":"ridge"}"#.utf8)
        let framed = Array("sentinel.model.v9\n{}".utf8)
        for bytes in [legacy, framed] {
            #expect(throws: LearningError.artifact("unknown format 'sentinel.model.v9'; this build reads 'sentinel.model.v1', 'sentinel.model.v2'")) {
                try ModelArtifact.decode(bytes: bytes, expectedSHA256: ModelArtifact.checksum(bytes))
            }
        }
    }

    @Test("a row of the wrong length is refused, not crashed on")
    func wrongRowLengthRefused() throws {
        let (artifact, _) = try Self.ridgeArtifact()
        #expect(throws: LearningError.self) { try artifact.predict(raw: [1, 2, 3][...]) }
    }

    @Test("a payload whose feature count differs from the columns is refused")
    func payloadShapeChecked() throws {
        let x = Matrix(rows: 3, columns: 2, values: [1, 2, 2, 1, 3, 5])
        let ridge = try RidgeRegression(fitting: x, targets: [1, 2, 3])
        #expect(throws: LearningError.self) {
            try ModelArtifact(featureSet: "v1", columns: ["a", "b", "c"], scaler: nil, payload: .ridge(ridge))
        }
        let valid = try ModelArtifact(featureSet: "v1", columns: ["a", "b"], scaler: nil, payload: .ridge(ridge)).encoded()
        var parts = try #require(ArtifactV2Parts(valid.bytes))
        parts.json = parts.json.replacingOccurrences(of: #""columns":["a","b"]"#, with: #""columns":["a","b","c"]"#)
        let bytes = parts.bytes
        #expect(bytes != valid.bytes)
        let message = try #require(artifactFailure(bytes))
        #expect(message.contains("takes 2 features, artifact names 3"))
    }

    @Test("an unknown model kind is refused with its name")
    func unknownKindRefused() throws {
        let bytes = Array(#"{"columns":[],"family":"ridge","featureSet":"v1","format":"sentinel.model.v1","payload":{"kind":"lstm","model":{}}}"#.utf8)
        do {
            _ = try ModelArtifact.decode(bytes: bytes, expectedSHA256: ModelArtifact.checksum(bytes))
            Issue.record("unknown kind was accepted")
        } catch {
            guard case .artifact(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains("lstm"))
        }
    }

    @Test("regime and persistence payloads round-trip")
    func otherPayloadsRoundTrip() throws {
        let p = try #require(Window.sevenDay.prepared)
        let volatility = try #require(p.fixture.columns.firstIndex(of: "volatility"))
        let regimes = try RegimeModel(fitting: p.trainX, returns: p.trainY, volatility: p.trainX.column(volatility), initCount: 2)
        for payload in [ModelPayload.regimes(regimes), .persistence(Persistence(featureCount: 32))] {
            let artifact = try ModelArtifact(featureSet: "v1", columns: p.fixture.columns, scaler: p.scaler, payload: payload)
            let encoded = try artifact.encoded()
            let decoded = try ModelArtifact.decode(bytes: encoded.bytes, expectedSHA256: encoded.sha256)
            #expect(decoded.family == payload.family)
            if case .regimes(let restored) = decoded.payload {
                #expect(restored == regimes)
                let raw = p.fixture.rows(p.split.holdout).row(0)
                #expect(try decoded.regime(raw: raw) == regimes.regime(p.holdoutX.row(0)))
            }
        }
    }

    @Test("tree payloads round-trip to bit-identical predictions")
    func treePayloadsRoundTrip() throws {
        let p = try #require(Window.sevenDay.prepared)
        let train = p.trainX.selecting(rows: 0..<400)
        let y = Array(p.trainY[0..<400])
        let forest = try RandomForest.fit(x: train, y: y, hyperparameters: .init(treeCount: 3, maxDepth: 4), seed: 1)
        let boosting = try XGBoostRegressor.fit(x: train, y: y, hyperparameters: .init(treeCount: 3, maxDepth: 3), seed: 1)
        for payload in [ModelPayload.randomForest(forest), .xgboost(boosting)] {
            let artifact = try ModelArtifact(featureSet: "v1", columns: p.fixture.columns, scaler: p.scaler, payload: payload)
            let encoded = try artifact.encoded()
            let decoded = try ModelArtifact.decode(bytes: encoded.bytes, expectedSHA256: encoded.sha256)
            #expect(decoded.family == payload.family)
            let raw = p.fixture.rows(p.split.holdout)
            for r in stride(from: 0, to: raw.rows, by: 10) {
                let before = try #require(try artifact.predict(raw: raw.row(r)))
                let after = try #require(try decoded.predict(raw: raw.row(r)))
                #expect(before.bitPattern == after.bitPattern)
            }
        }
    }
}
