/// Appends little-endian fixed-width values and whole arrays to a byte buffer, the binary part
/// of a `sentinel.model.v2` artifact. Arrays are copied in one block on little-endian hosts.
struct ArtifactByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ values: [Int32]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
    }

    /// IEEE-754 bit patterns, so every double (NaN payloads and signed zeros included) survives.
    mutating func append(_ values: [Double]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
    }
}

/// Reads what `ArtifactByteWriter` wrote, checking every length against the bytes left before
/// touching or allocating anything, so truncated or corrupt input throws instead of crashing.
struct ArtifactByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private let formatName: String

    init(_ bytes: [UInt8], from offset: Int, formatName: String) {
        self.bytes = bytes
        self.offset = offset
        self.formatName = formatName
    }

    var remaining: Int { bytes.count - offset }

    func malformed(_ reason: String) -> LearningError {
        .artifact("malformed \(formatName) artifact: \(reason) (at byte \(offset) of \(bytes.count))")
    }

    private func require(_ count: Int, _ what: String) throws(LearningError) {
        guard count >= 0, count <= remaining else {
            throw malformed("\(what) needs \(count) bytes, \(remaining) left (truncated?)")
        }
    }

    mutating func uint32(_ what: String) throws(LearningError) -> UInt32 {
        try require(4, what)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return v
    }

    mutating func raw(_ count: Int, _ what: String) throws(LearningError) -> ArraySlice<UInt8> {
        try require(count, what)
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func int32s(_ count: Int, _ what: String) throws(LearningError) -> [Int32] {
        var out: [Int32] = try block(count, what)
        #if _endian(big)
        for i in out.indices { out[i] = Int32(littleEndian: out[i]) }
        #endif
        return out
    }

    mutating func doubles(_ count: Int, _ what: String) throws(LearningError) -> [Double] {
        var out: [Double] = try block(count, what)
        #if _endian(big)
        for i in out.indices { out[i] = Double(bitPattern: UInt64(littleEndian: out[i].bitPattern)) }
        #endif
        return out
    }

    /// `count` values of a trivial 4- or 8-byte type copied as one block (no alignment needed).
    private mutating func block<T: BitwiseCopyable>(_ count: Int, _ what: String) throws(LearningError) -> [T] {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw malformed("\(what): count \(count) is absurd") }
        try require(size, what)
        let start = offset
        let out = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[start..<(start + size)]))
            }
            initialized = count
        }
        offset += size
        return out
    }
}
