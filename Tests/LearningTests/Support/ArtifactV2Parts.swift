import Foundation
import Learning

/// A `sentinel.model.v2` artifact taken apart (format line, metadata JSON, binary trees) so a
/// test can edit one part and put it back together with a consistent length prefix.
struct ArtifactV2Parts {
    static let formatLine = Array("sentinel.model.v2\n".utf8)
    var json: String
    var binary: [UInt8]

    init?(_ bytes: [UInt8]) {
        let head = Self.formatLine.count
        guard bytes.starts(with: Self.formatLine), bytes.count >= head + 4 else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(bytes[head + $1]) << (8 * $1) }
        guard bytes.count >= head + 4 + length else { return nil }
        json = String(decoding: bytes[(head + 4)..<(head + 4 + length)], as: UTF8.self)
        binary = Array(bytes[(head + 4 + length)...])
    }

    var bytes: [UInt8] {
        let j = Array(json.utf8)
        return Self.formatLine + Self.littleEndian(UInt32(j.count)) + j + binary
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}

/// The `LearningError.artifact` reason `bytes` are refused with, decoded with their own (matching)
/// checksum; nil when they decode or fail otherwise.
func artifactFailure(_ bytes: [UInt8]) -> String? {
    do {
        _ = try ModelArtifact.decode(bytes: bytes, expectedSHA256: ModelArtifact.checksum(bytes))
        return nil
    } catch {
        if case .artifact(let reason) = error { return reason }
        return nil
    }
}
