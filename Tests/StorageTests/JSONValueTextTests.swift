import Testing
import Domain
@testable import Storage

@Suite("JSON text for open-ended columns")
struct JSONValueTextTests {
    @Test("values round-trip with object keys in their order, escapes and non-ASCII text")
    func roundTrip() throws {
        let value = JSONValue.object([
            ("zeta", .number(1)), ("alpha", .array([.null, .bool(true), .bool(false), .number(-2.5e-7)])),
            ("text", .string("quote \" backslash \\ newline \n tab \t bell \u{07} é 🚀")),
            ("nested", .object([("b", .number(0.1)), ("a", .object([]))])), ("empty", .array([])),
        ])
        let text = JSONValueText.encode(value)
        #expect(try JSONValueText.decode(text) == value)
        #expect(try JSONValueText.decode(#" { "a" : [ 1 , 2 ] , "s" : "\u00e9\ud83d\ude80\/" } "#)
            == .object([("a", .array([.number(1), .number(2)])), ("s", .string("é🚀/"))]))
    }

    @Test("malformed text is a corrupt-data error, not a crash")
    func malformed() {
        for text in ["", "{", "[1,", "{\"a\" 1}", "\"abc", "nul", "[1] x", String(repeating: "[", count: 10_000)] {
            #expect(throws: StoreError.self) { try JSONValueText.decode(text) }
        }
    }
}
