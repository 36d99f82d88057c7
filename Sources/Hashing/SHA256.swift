import COpenSSL

/// SHA-256 through OpenSSL's EVP interface: model artifact checksums, feature-vector
/// hashes and API-key digests.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        let ok: Int32 = bytes.withContiguousStorageIfAvailable { buf in
            EVP_Digest(buf.baseAddress, buf.count, &out, &len, EVP_sha256(), nil)
        } ?? Array(bytes).withUnsafeBufferPointer { buf in
            EVP_Digest(buf.baseAddress, buf.count, &out, &len, EVP_sha256(), nil)
        }
        // EVP_Digest only fails on allocation failure inside OpenSSL; a zero digest would be
        // silently wrong, so surface it loudly instead.
        precondition(ok == 1 && len == 32, "EVP_Digest(SHA-256) failed")
        return out
    }

    /// The digest as 64 lower-case hex characters.
    public static func hex(_ bytes: some Collection<UInt8>) -> String { Hex.encode(digest(bytes)) }

    /// The digest of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}

/// HMAC-SHA256, used to sign webhook bodies (`X-Sentinel-Signature`).
public enum HMACSHA256 {
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let k = Array(key), m = Array(message)
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        let p = k.withUnsafeBufferPointer { kb in
            m.withUnsafeBufferPointer { mb in
                HMAC(EVP_sha256(), kb.baseAddress, Int32(kb.count), mb.baseAddress, mb.count, &out, &len)
            }
        }
        precondition(p != nil && len == 32, "HMAC(SHA-256) failed")
        return out
    }

    public static func hex(key: some Collection<UInt8>, message: some Collection<UInt8>) -> String {
        Hex.encode(authenticationCode(key: key, message: message))
    }
}

/// Comparison whose running time does not depend on where the inputs differ
/// (OpenSSL's `CRYPTO_memcmp`). Inputs of different lengths compare unequal; callers compare
/// fixed-length digests (SHA-256 of the secret), so the length itself reveals nothing.
public enum ConstantTime {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { ab in b.withUnsafeBytes { bb in CRYPTO_memcmp(ab.baseAddress, bb.baseAddress, ab.count) == 0 } }
    }
}

/// Lower-case hexadecimal encoding and decoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil when `text` has an odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = v(u[i]), let lo = v(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo); i += 2
        }
        return out
    }
}

/// Cryptographically secure random bytes (OpenSSL `RAND_bytes`).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if RAND_bytes(&out, Int32(count)) != 1 {
            var g = SystemRandomNumberGenerator()
            for i in 0..<count { out[i] = UInt8.random(in: .min ... .max, using: &g) }
        }
        return out
    }
}
