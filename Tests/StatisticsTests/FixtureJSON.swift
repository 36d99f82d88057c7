import Foundation

/// The reference cases of ks.json / psi.json.
///
/// Parsed by a small recursive-descent reader whose numbers go through `strtod`, because
/// Foundation's JSONSerialization on Linux does not always round decimal text to the nearest
/// double, and the fixtures are compared to the last bit.
enum FixtureJSON {
    struct Malformed: Error, CustomStringConvertible { let what: String; var description: String { "fixture: \(what)" } }

    static func root(_ file: String) throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: file, withExtension: "json", subdirectory: "Fixtures") else {
            throw Malformed(what: "missing \(file).json")
        }
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.append(0)
        var reader = Reader(bytes: bytes)
        guard let root = try reader.value() as? [String: Any] else { throw Malformed(what: "\(file).json is not an object") }
        return root
    }

    static func cases(_ file: String) throws -> [[String: Any]] {
        let parsed = file == "ks" ? ksCases : file == "psi" ? psiCases : Result { try parseCases(file) }
        return try parsed.get().value
    }

    /// Parsed once per process; parameterised tests read the same file many times.
    private static let ksCases = Result { try parseCases("ks") }
    private static let psiCases = Result { try parseCases("psi") }

    /// JSON objects are not Sendable; the wrapper only ever hands out copies of immutable data.
    struct Cases: @unchecked Sendable { let value: [[String: Any]] }

    private static func parseCases(_ file: String) throws -> Cases {
        guard let cases = try root(file)["cases"] as? [[String: Any]] else { throw Malformed(what: "no cases in \(file).json") }
        return Cases(value: cases)
    }

    static func doubles(_ any: Any?) -> [Double] { (any as? [Any])?.compactMap(number) ?? [] }
    static func ints(_ any: Any?) -> [Int] { (any as? [Any])?.compactMap { number($0).map { Int($0) } } ?? [] }
    static func number(_ any: Any?) -> Double? { any as? Double }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() { while [9, 10, 13, 32].contains(bytes[i]) { i += 1 } }

        mutating func value() throws -> Any {
            skipSpace()
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var object: [String: Any] = [:]
                skipSpace()
                if bytes[i] == UInt8(ascii: "}") { i += 1; return object }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    guard bytes[i] == UInt8(ascii: ":") else { throw Malformed(what: "expected ':' at \(i)") }
                    i += 1
                    object[key] = try value()
                    skipSpace()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "}") else { throw Malformed(what: "expected '}' at \(i)") }
                    i += 1
                    return object
                }
            case UInt8(ascii: "["):
                i += 1
                var array: [Any] = []
                skipSpace()
                if bytes[i] == UInt8(ascii: "]") { i += 1; return array }
                while true {
                    array.append(try value())
                    skipSpace()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "]") else { throw Malformed(what: "expected ']' at \(i)") }
                    i += 1
                    return array
                }
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "t"): i += 4; return true
            case UInt8(ascii: "f"): i += 5; return false
            case UInt8(ascii: "n"): i += 4; return NSNull()
            default:
                return try bytes.withUnsafeBufferPointer { buffer throws -> Double in
                    let start = UnsafeRawPointer(buffer.baseAddress! + i).assumingMemoryBound(to: CChar.self)
                    var end: UnsafeMutablePointer<CChar>? = nil
                    let v = strtod(start, &end)
                    guard let end, UnsafeRawPointer(end) != UnsafeRawPointer(start) else { throw Malformed(what: "bad number at \(i)") }
                    i += UnsafeRawPointer(end) - UnsafeRawPointer(start)
                    return v
                }
            }
        }

        mutating func string() throws -> String {
            guard bytes[i] == UInt8(ascii: "\"") else { throw Malformed(what: "expected string at \(i)") }
            i += 1
            var out: [UInt8] = []
            while bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                guard bytes[i] != 0 else { throw Malformed(what: "unterminated string") }
                out.append(bytes[i]); i += 1
            }
            i += 1
            return String(decoding: out, as: UTF8.self)
        }
    }
}

func relativeError(_ a: Double, _ b: Double) -> Double {
    a == b ? 0 : abs(a - b) / max(abs(b), .leastNonzeroMagnitude)
}
