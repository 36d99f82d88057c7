import Foundation
import Domain
import Features

/// A numeric CSV fixture held column by column: a header line, then numbers (`NaN` allowed).
/// Parsed with `strtod` straight from the bytes, which reads '%.17g' back to the identical double.
struct FixtureCSV {
    let header: [String]
    let columns: [[Double]]
    var rowCount: Int { columns.first?.count ?? 0 }

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(String, line: Int)
        var description: String {
            switch self {
            case .missing(let name): "fixture \(name) not found"
            case .malformed(let name, let line): "fixture \(name): malformed number on line \(line)"
            }
        }
    }

    static func fixtureURL(_ name: String) throws -> URL {
        let dot = name.lastIndex(of: ".").map { name.distance(from: name.startIndex, to: $0) } ?? name.count
        let base = String(name.prefix(dot)), ext = String(name.dropFirst(dot + 1))
        guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") else {
            throw LoadError.missing(name)
        }
        return url
    }

    static func load(_ name: String) throws -> FixtureCSV {
        var bytes = [UInt8](try Data(contentsOf: fixtureURL(name)))
        bytes.append(0)
        return try bytes.withUnsafeMutableBufferPointer { buffer throws -> FixtureCSV in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var i = 0
            while buffer[i] != UInt8(ascii: "\n") && buffer[i] != 0 { i += 1 }
            let header = String(decoding: buffer[0..<i], as: UTF8.self).split(separator: ",").map(String.init)
            var columns = [[Double]](repeating: [], count: header.count)
            var cursor = base + i
            var end: UnsafeMutablePointer<CChar>? = nil
            var line = 1
            while true {
                while cursor.pointee == 10 || cursor.pointee == 13 { cursor += 1 }
                if cursor.pointee == 0 { break }
                line += 1
                for c in 0..<header.count {
                    let value = strtod(cursor, &end)
                    guard let stop = end, stop != cursor else { throw LoadError.malformed(name, line: line) }
                    columns[c].append(value)
                    cursor = stop
                    if cursor.pointee == 44 { cursor += 1 }
                }
            }
            return FixtureCSV(header: header, columns: columns)
        }
    }

    func column(_ name: String) -> [Double]? {
        header.firstIndex(of: name).map { columns[$0] }
    }

    /// The bundled input bars (timestamp_ms, open, high, low, close, volume).
    static func bars(_ name: String = "btc-usd-5m.csv") throws -> [Bar] {
        let csv = try load(name)
        return (0..<csv.rowCount).map { i in
            Bar(time: Timestamp(milliseconds: Int64(csv.columns[0][i])), open: csv.columns[1][i],
                high: csv.columns[2][i], low: csv.columns[3][i], close: csv.columns[4][i], volume: csv.columns[5][i])
        }
    }
}

/// Per-column tolerances from tolerances.json: |a - golden| <= max(rtol |golden|, atol).
struct Tolerances {
    struct Bound { let rtol: Double; let atol: Double }
    let bounds: [String: Bound]
    let fallback: Bound

    static func load() throws -> Tolerances {
        let data = try Data(contentsOf: FixtureCSV.fixtureURL("tolerances.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        func bound(_ any: Any?) -> Bound? {
            guard let d = any as? [String: Any], let r = d["rtol"] as? Double, let a = d["atol"] as? Double else { return nil }
            return Bound(rtol: r, atol: a)
        }
        var bounds: [String: Bound] = [:]
        for (name, value) in json["columns"] as? [String: Any] ?? [:] { bounds[name] = bound(value) }
        return Tolerances(bounds: bounds, fallback: bound(json["default"]) ?? Bound(rtol: 1e-9, atol: 1e-12))
    }

    func bound(for column: String) -> Bound { bounds[column] ?? fallback }
}

/// Fixtures parsed once per test process: several suites use the 30,000 real bars.
enum SharedFixtures {
    static let btcBars: Result<[Bar], any Error> = Result { try FixtureCSV.bars() }
    static let btcScratchRows: Result<[FeatureRow], any Error> = btcBars.map { FeatureEngine(asset: "bitcoin").rows(for: $0) }
}
