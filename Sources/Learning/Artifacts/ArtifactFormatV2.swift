import Domain
import Foundation

/// Writes and reads `sentinel.model.v2` artifacts (layout in `ModelArtifact`'s doc comment):
/// a format-name line, a length-prefixed sorted-key JSON metadata block, then tree node
/// arrays in little-endian binary. The JSON block is small and fixed-size in the number of
/// nodes; the arrays, which are the bulk, are copied in blocks rather than formatted as text.
enum ArtifactFormatV2 {
    static let name = ModelArtifact.currentFormat
    /// The first bytes of every artifact written in this format.
    static let magic = Array((name + "\n").utf8)
    /// Every format name written this way starts so (the legacy v1 JSON starts with `{`).
    private static let namePrefix = Array("sentinel.model.".utf8)
    /// Longest format-name line looked for; beyond this the bytes are not an artifact.
    private static let longestNameLine = 64

    /// The format name of a header-line artifact (`sentinel.model.<version>`), or nil when the
    /// bytes do not start with one.
    static func formatName(_ bytes: [UInt8]) -> String? {
        guard bytes.starts(with: namePrefix),
              let end = bytes.prefix(longestNameLine).firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    static func encode(_ artifact: ModelArtifact) throws(LearningError) -> [UInt8] {
        let metadata = ArtifactMetadata(columns: artifact.columns, family: artifact.family,
                                        featureSet: artifact.featureSet,
                                        payload: PayloadMetadata(artifact.payload), scaler: artifact.scaler)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do { json = try encoder.encode(metadata) } catch {
            throw .artifact("cannot encode \(artifact.family.rawValue) model metadata: \(error)")
        }
        guard let length = UInt32(exactly: json.count) else {
            throw .artifact("\(artifact.family.rawValue) model metadata is \(json.count) bytes, more than \(name) holds")
        }
        let trees = PayloadMetadata.trees(of: artifact.payload) ?? []
        var w = ArtifactByteWriter(capacity: magic.count + 4 + json.count + TreeNodeArrays.byteCount(trees))
        w.append(magic)
        w.append(length)
        w.append(json)
        TreeNodeArrays.write(trees, to: &w)
        return w.bytes
    }

    /// Decodes bytes whose format line is `name` (the caller has checked it and the checksum).
    static func decode(_ bytes: [UInt8]) throws(LearningError) -> ModelArtifact {
        guard bytes.starts(with: magic) else { throw .artifact("not a \(name) artifact (no format line)") }
        var r = ArtifactByteReader(bytes, from: magic.count, formatName: name)
        let length = Int(try r.uint32("metadata length"))
        let json = try r.raw(length, "metadata JSON")
        let metadata: ArtifactMetadata
        do { metadata = try JSONDecoder().decode(ArtifactMetadata.self, from: Data(json)) } catch {
            throw r.malformed("metadata JSON: \(error)")
        }
        var trees: [RegressionTree] = []
        if let shape = metadata.payload.treeShape {
            // Checked before the ensemble is built, which allocates per feature.
            guard shape.features == metadata.columns.count else {
                throw .artifact("\(metadata.family.rawValue) model takes \(shape.features) features, artifact names \(metadata.columns.count)")
            }
            trees = try TreeNodeArrays.read(count: shape.trees, featureCount: shape.features, from: &r)
        }
        guard r.remaining == 0 else { throw r.malformed("\(r.remaining) bytes after the model") }
        return ModelArtifact(format: name, family: metadata.family, featureSet: metadata.featureSet,
                             columns: metadata.columns, scaler: metadata.scaler,
                             payload: try metadata.payload.payload(trees: trees))
    }
}
