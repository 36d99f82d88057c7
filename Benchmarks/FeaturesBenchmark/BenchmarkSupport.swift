import Foundation
import Domain

struct BenchmarkOptions {
    var realPath: String?
    var writeSynthetic: String?
    var syntheticCount = 1_000_000
    var runs = 5
    /// Which measurements to run (matrix, reuse, reuse1, rows, rowsmt, resume1); all but rowsmt by default.
    var kinds: Set<String> = ["matrix", "reuse", "reuse1", "rows", "resume1"]

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--real": realPath = it.next()
            case "--write-synthetic": writeSynthetic = it.next()
            case "--bars": syntheticCount = it.next().flatMap { Int($0) } ?? syntheticCount
            case "--runs": runs = max(1, it.next().flatMap { Int($0) } ?? runs)
            case "--only": kinds = Set((it.next() ?? "").split(separator: ",").map(String.init))
            default: if realPath == nil { realPath = a }
            }
        }
    }
}

/// A seeded geometric random walk on the 5-minute grid: the same series on every machine.
enum SyntheticBars {
    static func randomWalk(count: Int, seed: UInt64) -> [Bar] {
        var rng = SplitMix64(seed: seed)
        var price = 50_000.0
        var bars: [Bar] = []
        bars.reserveCapacity(count)
        let start: Int64 = 1_735_689_600_000
        for i in 0..<count {
            // Box–Muller from two uniforms in (0, 1].
            let u1 = (Double(rng.next() >> 11) + 1) / 9_007_199_254_740_992
            let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let open = price
            price *= exp(0.0015 * z)
            bars.append(Bar(time: Timestamp(milliseconds: start + Int64(i) * 300_000), open: open,
                            high: max(open, price), low: min(open, price), close: price, volume: 1))
        }
        return bars
    }
}

/// The bundled bar CSV format: timestamp_ms,open,high,low,close,volume.
enum BarCSV {
    struct Malformed: Error { let line: Int }

    static func read(_ path: String) throws -> [Bar] {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes.append(0)
        return try bytes.withUnsafeMutableBufferPointer { buffer throws -> [Bar] in
            guard let raw = buffer.baseAddress else { return [] }
            var cursor = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: CChar.self)
            while cursor.pointee != 10 && cursor.pointee != 0 { cursor += 1 }
            var bars: [Bar] = []
            var end: UnsafeMutablePointer<CChar>? = nil
            var line = 1
            var fields = [Double](repeating: 0, count: 6)
            while true {
                while cursor.pointee == 10 || cursor.pointee == 13 { cursor += 1 }
                if cursor.pointee == 0 { break }
                line += 1
                for f in 0..<6 {
                    fields[f] = strtod(cursor, &end)
                    guard let stop = end, stop != cursor else { throw Malformed(line: line) }
                    cursor = stop
                    if cursor.pointee == 44 { cursor += 1 }
                }
                bars.append(Bar(time: Timestamp(milliseconds: Int64(fields[0])), open: fields[1], high: fields[2],
                                low: fields[3], close: fields[4], volume: fields[5]))
            }
            return bars
        }
    }

    /// Writes shortest round-trip decimals, so a reader that rounds correctly gets the same doubles.
    static func write(_ bars: [Bar], to path: String) throws {
        var text = "timestamp_ms,open,high,low,close,volume\n"
        text.reserveCapacity(bars.count * 90)
        for b in bars {
            text += "\(b.time.milliseconds),\(b.open),\(b.high),\(b.low),\(b.close),\(b.volume)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
