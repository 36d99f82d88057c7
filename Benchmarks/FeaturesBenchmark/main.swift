// Feature set v1 throughput: bars per second, median of 5 runs, for the bundled real bars and for
// 1,000,000 synthetic bars (a seeded random walk). Usage:
//   FeaturesBenchmark [--real PATH] [--write-synthetic PATH] [--bars N] [--runs N]
// Lines starting with RESULT are read by Benchmarks/features/run.sh.
import Foundation
import Domain
import Features

let options = BenchmarkOptions(CommandLine.arguments)
var results: [(String, Int, Double)] = []

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

/// Runs `body` `runs` times and returns the median wall time in seconds.
func timeMedian(runs: Int, _ body: () -> Int) -> Double {
    var times: [Double] = []
    var sink = 0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        sink &+= body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    if sink == Int.min { print("unreachable") }
    return median(times)
}

func measure(_ label: String, _ bars: [Bar]) {
    let engine = FeatureEngine(asset: "bitcoin")
    let matrix = timeMedian(runs: options.runs) { engine.matrix(for: bars).values.count }
    let rows = timeMedian(runs: options.runs) { engine.rows(for: bars).count }
    for (kind, seconds) in [("matrix", matrix), ("rows", rows)] {
        let rate = Double(bars.count) / seconds
        print(String(format: "%-10@ %-7@ %9d bars  %8.2f ms  %14.0f bars/s", label, kind, bars.count, seconds * 1000, rate))
        print("RESULT \(label) \(kind) \(bars.count) \(rate)")
    }
}

if let path = options.realPath {
    do {
        let bars = try BarCSV.read(path)
        measure("real", bars)
        // The live path: one bar at a time through resume, as the feature pipeline runs it.
        let engine = FeatureEngine(asset: "bitcoin")
        let perBar = timeMedian(runs: options.runs) {
            var state = FeatureEngine.State.empty
            var produced = 0
            for bar in bars {
                guard let update = try? engine.resume(state, with: [bar]) else { return produced }
                state = update.state
                produced += update.newRows.count
            }
            return produced
        }
        print(String(format: "%-10@ %-7@ %9d bars  %8.2f ms  %14.0f bars/s", "real", "resume1", bars.count, perBar * 1000,
                     Double(bars.count) / perBar))
        print("RESULT real resume1 \(bars.count) \(Double(bars.count) / perBar)")
    } catch {
        print("cannot read \(path): \(error)")
    }
}

let synthetic = SyntheticBars.randomWalk(count: options.syntheticCount, seed: 20_250_101)
if let out = options.writeSynthetic {
    do { try BarCSV.write(synthetic, to: out) } catch { print("cannot write \(out): \(error)") }
}
measure("synthetic", synthetic)
