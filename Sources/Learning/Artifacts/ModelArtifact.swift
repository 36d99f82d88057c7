public import Domain
import Foundation
import Hashing

/// A fitted model as stored in the registry: a versioned, self-describing envelope whose
/// bytes are checksummed with SHA-256.
///
/// Format `sentinel.model.v1`: one UTF-8 JSON object, keys sorted, no whitespace:
///
///     {"columns":[<feature names, in input order>],
///      "family":"ridge",                    // Domain.ModelFamily raw value
///      "featureSet":"v1",                   // rows of another feature set are never fed to it
///      "format":"sentinel.model.v1",
///      "payload":{"kind":"ridge","model":{…, "formatVersion":1}},
///      "scaler":{"mean":[…],"std":[…],"scale":[…],"formatVersion":1} | absent}
///
/// Doubles are written in their shortest round-trip form, so a decoded model predicts
/// bit-identically. The same model always encodes to the same bytes (sorted keys), hence the
/// same SHA-256. Decoding checks the checksum before reading anything, then the format name,
/// then each model's `formatVersion`; any failure is a `LearningError.artifact` saying which.
///
/// Invariant: `family == payload.family`; with a scaler, `scaler.columns == columns.count`.
public struct ModelArtifact: Sendable, Codable {
    public static let currentFormat = "sentinel.model.v1"

    public let format: String
    public let family: ModelFamily
    public let featureSet: String
    public let columns: [String]
    /// Applied to raw rows before the payload sees them; nil when the payload takes raw rows.
    public let scaler: StandardScaler?
    public let payload: ModelPayload

    /// The encoded bytes and their lower-case hex SHA-256.
    public struct Encoded: Sendable, Hashable {
        public let bytes: [UInt8]
        public let sha256: String
    }

    public init(featureSet: String, columns: [String], scaler: StandardScaler?, payload: ModelPayload) throws(LearningError) {
        if let scaler, scaler.columns != columns.count {
            throw .shapeMismatch("scaler has \(scaler.columns) columns, artifact names \(columns.count)")
        }
        if let inputs = payload.inputCount, inputs != columns.count {
            throw .shapeMismatch("\(payload.family.rawValue) model takes \(inputs) features, artifact names \(columns.count)")
        }
        format = Self.currentFormat
        family = payload.family
        self.featureSet = featureSet
        self.columns = columns
        self.scaler = scaler
        self.payload = payload
    }

    public func encoded() throws(LearningError) -> Encoded {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw .artifact("cannot encode \(family.rawValue) model: \(error)")
        }
        let bytes = [UInt8](data)
        return Encoded(bytes: bytes, sha256: SHA256.hex(bytes))
    }

    /// Lower-case hex SHA-256 of artifact bytes, as stored beside them.
    public static func checksum(_ bytes: [UInt8]) -> String { SHA256.hex(bytes) }

    /// Decodes bytes stored with `expectedSHA256`; refuses tampered bytes, an unknown format
    /// name, an unknown model kind or version, and malformed JSON, each with its reason.
    public static func decode(bytes: [UInt8], expectedSHA256: String) throws(LearningError) -> ModelArtifact {
        let actual = SHA256.hex(bytes)
        guard actual == expectedSHA256.lowercased() else {
            throw .artifact("checksum mismatch: expected SHA-256 \(expectedSHA256), bytes hash to \(actual) (tampered or corrupted)")
        }
        let data = Data(bytes)
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            throw .artifact("not a model artifact (no format name): \(error)")
        }
        guard header.format == currentFormat else {
            throw .artifact("unknown format '\(header.format)'; this build reads '\(currentFormat)'")
        }
        let artifact: ModelArtifact
        do { artifact = try JSONDecoder().decode(ModelArtifact.self, from: data) } catch {
            throw .artifact("malformed \(currentFormat) artifact: \(error)")
        }
        guard artifact.family == artifact.payload.family else {
            throw .artifact("family '\(artifact.family.rawValue)' but payload is '\(artifact.payload.family.rawValue)'")
        }
        if let scaler = artifact.scaler, scaler.columns != artifact.columns.count {
            throw .artifact("scaler has \(scaler.columns) columns, artifact names \(artifact.columns.count)")
        }
        if let inputs = artifact.payload.inputCount, inputs != artifact.columns.count {
            throw .artifact("\(artifact.family.rawValue) model takes \(inputs) features, artifact names \(artifact.columns.count)")
        }
        return artifact
    }

    /// Predicts from one raw (unscaled) row in `columns` order; nil for a payload that does
    /// not predict a number (regimes). Throws `.shapeMismatch` for a row of another length.
    public func predict(raw row: ArraySlice<Double>) throws(LearningError) -> Double? {
        guard let predictor = payload.predictor else { return nil }
        return predictor.predict(try prepared(row)[...])
    }

    /// The regime of one raw (unscaled) row; nil unless the payload is a regime model.
    public func regime(raw row: ArraySlice<Double>) throws(LearningError) -> Regime? {
        guard case .regimes(let model) = payload else { return nil }
        return model.regime(try prepared(row))
    }

    /// The row in the representation the payload was fitted on.
    private func prepared(_ row: ArraySlice<Double>) throws(LearningError) -> [Double] {
        guard row.count == columns.count else {
            throw .shapeMismatch("\(family.rawValue) artifact takes \(columns.count) features, given \(row.count)")
        }
        return scaler?.transform(row) ?? Array(row)
    }

    private struct Header: Decodable { let format: String }
}
