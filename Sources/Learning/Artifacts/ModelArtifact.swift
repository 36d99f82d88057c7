public import Domain
import Foundation
import Hashing

/// A fitted model as stored in the registry: a versioned, self-describing envelope whose
/// bytes are checksummed with SHA-256.
///
/// New artifacts are written as `sentinel.model.v2` (`currentFormat`):
///
///     offset  size  field
///     0       18    "sentinel.model.v2\n" (ASCII format name + LF; also the magic)
///     18      4     UInt32 LE J: length of the metadata JSON
///     22      J     metadata, UTF-8 JSON, keys sorted, no whitespace:
///                   {"columns":[<feature names, in input order>],
///                    "family":"xgboost",            // Domain.ModelFamily raw value
///                    "featureSet":"v1",             // rows of another feature set are never fed to it
///                    "payload":{"kind":"xgboost","model":<model>},
///                    "scaler":{"formatVersion":1,"mean":[…],"scale":[…],"std":[…]} | absent}
///                   <model> is the model's own JSON for ridge, persistence and regimes; for the
///                   tree families it is {"ensemble":{"base","featureCount","scale","treeCount":T},
///                   "formatVersion":1,"hyperparameters":{…}} without the trees.
///     22+J    …     T trees (tree families only; see `TreeNodeArrays`), each:
///                   UInt32 n ≥ 1, Int32 feature[n], left[n], right[n],
///                   Float64 threshold[n], value[n], cover[n], gain[n], all little-endian
///     end           nothing else: trailing bytes are refused
///
/// Artifacts stored as `sentinel.model.v1` (one sorted-key JSON object
/// `{"columns","family","featureSet","format":"sentinel.model.v1","payload":{"kind","model"},
/// "scaler"}`, trees as JSON arrays) still decode: the format is told from the first bytes.
///
/// Doubles are stored as their IEEE-754 bits (binary) or shortest round-trip text (JSON), so a
/// decoded model predicts bit-identically. The same model always encodes to the same bytes,
/// hence the same SHA-256. Decoding checks the checksum before reading anything, then the format
/// name, then each model's `formatVersion` and shape; any failure is a `LearningError.artifact`
/// saying which. Every count is checked against the bytes left before anything is allocated.
///
/// Invariant: `family == payload.family`; with a scaler, `scaler.columns == columns.count`.
public struct ModelArtifact: Sendable, Codable {
    /// The format `encoded()` writes.
    public static let currentFormat = "sentinel.model.v2"
    /// Every format `decode` reads, oldest first.
    public static let readableFormats = [legacyJSONFormat, currentFormat]
    static let legacyJSONFormat = "sentinel.model.v1"

    /// The format this artifact was read from (`currentFormat` when built in memory).
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

    /// The artifact in `currentFormat`, with its checksum.
    public func encoded() throws(LearningError) -> Encoded {
        let bytes = try ArtifactFormatV2.encode(self)
        return Encoded(bytes: bytes, sha256: SHA256.hex(bytes))
    }

    /// Lower-case hex SHA-256 of artifact bytes, as stored beside them.
    public static func checksum(_ bytes: [UInt8]) -> String { SHA256.hex(bytes) }

    /// Decodes bytes stored with `expectedSHA256`, in any of `readableFormats`; refuses
    /// tampered bytes, an unknown format name, an unknown model kind or version, and malformed
    /// or truncated bytes, each with its reason.
    public static func decode(bytes: [UInt8], expectedSHA256: String) throws(LearningError) -> ModelArtifact {
        let actual = SHA256.hex(bytes)
        guard actual == expectedSHA256.lowercased() else {
            throw .artifact("checksum mismatch: expected SHA-256 \(expectedSHA256), bytes hash to \(actual) (tampered or corrupted)")
        }
        let artifact: ModelArtifact
        if bytes.first == UInt8(ascii: "{") {
            artifact = try decodeLegacyJSON(bytes)
        } else if let name = ArtifactFormatV2.formatName(bytes) {
            guard name == currentFormat else { throw unknownFormat(name) }
            artifact = try ArtifactFormatV2.decode(bytes)
        } else {
            throw .artifact("not a model artifact: neither a \(currentFormat) header nor \(legacyJSONFormat) JSON")
        }
        try artifact.checkConsistency()
        return artifact
    }

    /// Reassembles a decoded artifact; `checkConsistency` must run before it is handed out.
    init(format: String, family: ModelFamily, featureSet: String, columns: [String],
         scaler: StandardScaler?, payload: ModelPayload) {
        self.format = format
        self.family = family
        self.featureSet = featureSet
        self.columns = columns
        self.scaler = scaler
        self.payload = payload
    }

    static func unknownFormat(_ name: String) -> LearningError {
        .artifact("unknown format '\(name)'; this build reads \(readableFormats.map { "'\($0)'" }.joined(separator: ", "))")
    }

    private static func decodeLegacyJSON(_ bytes: [UInt8]) throws(LearningError) -> ModelArtifact {
        let data = Data(bytes)
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            throw .artifact("not a model artifact (no format name): \(error)")
        }
        guard header.format == legacyJSONFormat else {
            guard header.format == currentFormat else { throw unknownFormat(header.format) }
            throw .artifact("JSON naming format '\(currentFormat)': only \(legacyJSONFormat) artifacts are JSON")
        }
        do { return try JSONDecoder().decode(ModelArtifact.self, from: data) } catch {
            throw .artifact("malformed \(legacyJSONFormat) artifact: \(error)")
        }
    }

    private func checkConsistency() throws(LearningError) {
        guard family == payload.family else {
            throw .artifact("family '\(family.rawValue)' but payload is '\(payload.family.rawValue)'")
        }
        if let scaler, scaler.columns != columns.count {
            throw .artifact("scaler has \(scaler.columns) columns, artifact names \(columns.count)")
        }
        if let inputs = payload.inputCount, inputs != columns.count {
            throw .artifact("\(family.rawValue) model takes \(inputs) features, artifact names \(columns.count)")
        }
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
