import SentinelTesting
import Domain
@testable import MarketData
import Testing

@Suite("Strict JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("parses nested values, escapes and surrogate pairs")
    func parsesValid() throws {
        let v = try parse(#" {"a":[1,-2.5e3,true,false,null],"s":"x\"\n\u00e9\ud83d\ude00","o":{}} "#)
        #expect(v["a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(v["s"] == .string("x\"\né😀"))
        #expect(v["o"] == .object([]))
    }

    @Test("refuses what RFC 8259 does not allow", arguments: [
        "", "{", "[1,", #"{"a":1"#, #"{"a":NaN}"#, "Infinity", "-Infinity", "1e999", "[1] x", "01", "1.",
        "-", "[1,]", #"{"a" 1}"#, #""\ud800""#, #""\x""#, "\"a\u{01}b\"", "tru", "nul", "'a'", "{1:2}",
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func refusesInvalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test("refuses invalid UTF-8 inside strings")
    func refusesInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([34, 0xFF, 0xFE, 34]) }
    }

    @Test("never traps on random bytes")
    func randomBytesNeverTrap() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]",:0123456789.-+eEtrufalsn\ "#.utf8)
        var accepted = 0
        for _ in 0..<5000 {
            let length = Int.random(in: 0..<24, using: &generator)
            let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if (try? JSONParser.parse(bytes)) != nil { accepted += 1 }
        }
        #expect(accepted < 5000)
    }
}
