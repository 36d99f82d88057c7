import Foundation
import Domain
import GRDB

/// Column-index decoding of Domain values. Rows are read by position, never through
/// Codable, so a page of 500 bars costs 500 × 6 column reads and nothing else.
extension Row {
    @inline(__always) func timestamp(_ i: Int) -> Timestamp { Timestamp(milliseconds: self[i]) }

    @inline(__always) func optionalTimestamp(_ i: Int) -> Timestamp? {
        (self[i] as Int64?).map { Timestamp(milliseconds: $0) }
    }

    /// SQLite stores NaN as NULL; a nullable REAL column reads back as NaN.
    @inline(__always) func doubleOrNaN(_ i: Int) -> Double { (self[i] as Double?) ?? .nan }

    func ulid(_ i: Int) throws -> ULID {
        let text: String = self[i]
        guard let id = ULID(text) else { throw StoreError.corrupt("stored id '\(text)' is not a ULID") }
        return id
    }

    func optionalULID(_ i: Int) throws -> ULID? {
        guard let text = self[i] as String? else { return nil }
        guard let id = ULID(text) else { throw StoreError.corrupt("stored id '\(text)' is not a ULID") }
        return id
    }

    func enumValue<E: RawRepresentable>(_ i: Int, as type: E.Type = E.self) throws -> E where E.RawValue == String {
        let text: String = self[i]
        guard let value = E(rawValue: text) else { throw StoreError.corrupt("unknown \(E.self) '\(text)'") }
        return value
    }

    func optionalEnum<E: RawRepresentable>(_ i: Int, as type: E.Type = E.self) throws -> E? where E.RawValue == String {
        guard let text = self[i] as String? else { return nil }
        guard let value = E(rawValue: text) else { throw StoreError.corrupt("unknown \(E.self) '\(text)'") }
        return value
    }

    func bytes(_ i: Int) -> [UInt8] {
        guard let data = self[i] as Data? else { return [] }
        return [UInt8](data)
    }
}

/// Little-endian IEEE 754 doubles, the compact BLOB form of a feature vector.
enum DoubleBlob {
    static func encode(_ values: [Double]) -> Data {
        var data = Data(count: values.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self)
            }
        }
        return data
    }

    static func decode(_ data: Data) throws -> [Double] {
        guard data.count % 8 == 0 else { throw StoreError.corrupt("feature blob of \(data.count) bytes") }
        let n = data.count / 8
        return data.withUnsafeBytes { raw in
            [Double](unsafeUninitializedCapacity: n) { buffer, count in
                for i in 0..<n {
                    buffer[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                }
                count = n
            }
        }
    }
}
