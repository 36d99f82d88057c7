import Synchronization

/// A ULID: 48 bits of milliseconds then 80 random bits, written as 26 Crockford base-32
/// characters, so ids sort by creation time. Ids made by one generator in the same
/// millisecond increase strictly (the random part is incremented), which keeps keyset
/// pagination by id stable.
public struct ULID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let string: String
    public init?(_ string: String) {
        guard string.utf8.count == 26, string.utf8.allSatisfy({ ULID.decodeTable[Int($0)] != 255 }) else { return nil }
        self.string = string.uppercased()
    }
    init(unchecked s: String) { string = s }
    public var description: String { string }
    public static func < (a: ULID, b: ULID) -> Bool { a.string < b.string }
    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let u = ULID(s) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a ULID")) }
        self = u
    }
    public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(string) }

    /// The millisecond time part.
    public var timestamp: Timestamp {
        var v: Int64 = 0
        for c in string.utf8.prefix(10) { v = v << 5 | Int64(ULID.decodeTable[Int(c)]) }
        return Timestamp(milliseconds: v)
    }

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i); t[Int(Character(String(UnicodeScalar(c))).lowercased().utf8.first!)] = UInt8(i) }
        return t
    }()

    static func encode(time: UInt64, random: (hi: UInt16, lo: UInt64)) -> ULID {
        var out = [UInt8](repeating: 0, count: 26)
        var t = time
        for i in stride(from: 9, through: 0, by: -1) { out[i] = alphabet[Int(t & 31)]; t >>= 5 }
        // 80 random bits as 16 characters: low 64 bits then the high 16.
        var lo = random.lo
        var hi = UInt64(random.hi)
        for i in stride(from: 25, through: 10, by: -1) {
            out[i] = alphabet[Int(lo & 31)]
            lo = (lo >> 5) | ((hi & 31) << 59)
            hi >>= 5
        }
        return ULID(unchecked: String(decoding: out, as: UTF8.self))
    }
}

/// Makes ULIDs from a wall clock; monotonic within a millisecond. Thread-safe.
public final class ULIDGenerator: Sendable {
    private struct State { var lastTime: UInt64 = 0; var hi: UInt16 = 0; var lo: UInt64 = 0; var rng: SplitMix64 }
    private let state: Mutex<State>
    private let clock: any WallClock

    /// `seed` makes the random part reproducible (simulations); nil seeds from the system.
    public init(clock: any WallClock, seed: UInt64? = nil) {
        self.clock = clock
        var g = SystemRandomNumberGenerator()
        state = Mutex(State(rng: SplitMix64(seed: seed ?? g.next())))
    }

    public func next() -> ULID {
        let now = UInt64(max(0, clock.now().milliseconds))
        return state.withLock { s in
            if now > s.lastTime {
                s.lastTime = now
                s.hi = UInt16(truncatingIfNeeded: s.rng.next())
                s.lo = s.rng.next()
            } else {
                let (lo, overflow) = s.lo.addingReportingOverflow(1)
                s.lo = lo
                if overflow { s.hi &+= 1 }
            }
            return ULID.encode(time: s.lastTime, random: (s.hi, s.lo))
        }
    }
}

/// SplitMix64: a tiny, fast, seedable generator; the one seeded RNG used across Sentinel.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
