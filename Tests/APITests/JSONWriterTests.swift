import API
import Domain
import Foundation
import Testing

@Suite struct JSONWriterTests {
    func text(_ body: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        body(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test func everyFiniteDoubleRoundTripsExactly() throws {
        var rng = SplitMix64(seed: 11)
        var values: [Double] = [0.1, 0.2, 85379.96, 45.9416, 1e-5, 123456789.12345678, 0.00042, -3.5, 1e300, Double.leastNonzeroMagnitude,
                                93702.15, 2.5e-4, 0.999999999, 1.0000001]
        for _ in 0..<20_000 {
            let bits = rng.next()
            let d = Double(bitPattern: bits)
            if d.isFinite { values.append(d) }
            values.append(Double(rng.next() % 10_000_000) / 100)      // prices with cents
            values.append(Double(rng.next() % 100_000_000) / 100_000)  // volumes
        }
        for d in values {
            let s = text { $0.value(d) }
            let parsed = try #require(Double(s), "\(s) is not a number")
            #expect(parsed.bitPattern == d.bitPattern || (parsed == 0 && d == 0), "\(d) written as \(s)")
        }
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(text { $0.value(Double.nan) } == "null")
        #expect(text { $0.value(Double.infinity) } == "null")
    }

    @Test func stringsAreEscaped() throws {
        let s = text { $0.value("a\"b\\c\nd\u{01}é") }
        #expect(s == "\"a\\\"b\\\\c\\nd\\u0001é\"")
        let back = try JSONSerialization.jsonObject(with: Data(s.utf8), options: .fragmentsAllowed) as? String
        #expect(back == "a\"b\\c\nd\u{01}é")
    }

    @Test func containersGetTheirCommas() {
        let s = text { w in
            w.beginObject(); w.field("a", 1); w.key("b"); w.beginArray(); w.value(1); w.value("x"); w.null(); w.endArray()
            w.field("c", true); w.endObject()
        }
        #expect(s == #"{"a":1,"b":[1,"x",null],"c":true}"#)
    }
}
