// Feature set v1 throughput: bars per second, median of 5 runs, for the bundled real bars and for
// 1,000,000 synthetic bars (a seeded random walk). Usage:
//   FeaturesBenchmark [--real PATH] [--write-synthetic PATH] [--bars N] [--runs N] [--only matrix,reuse,reuse1,rows,rowsmt,resume1]
// Lines starting with RESULT are read by Benchmarks/features/run.sh.
import Foundation
import Domain
import Features

let options = BenchmarkOptions(CommandLine.arguments)

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }


/// Wall and process CPU seconds of one call, medians over `runs` calls. CPU time is what the ratio
/// uses: on a shared machine wall time also measures the neighbours.
struct Timing { var wall: Double; var cpu: Double }

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func timeMedian(runs: Int, _ body: () -> Int) -> Timing {
    var walls: [Double] = [], cpus: [Double] = []
    var sink = 0
    for _ in 0..<runs {
        let cpu0 = cpuSeconds()
        let start = ContinuousClock.now
        sink &+= body()
        let elapsed = ContinuousClock.now - start
        cpus.append(cpuSeconds() - cpu0)
        walls.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    if sink == Int.min { print("unreachable") }
    return Timing(wall: median(walls), cpu: median(cpus))
}

func report(_ label: String, _ kind: String, _ count: Int, _ t: Timing) {
    print(String(format: "%-10@ %-8@ %9d bars  wall %8.2f ms  cpu %8.2f ms  %12.0f bars/s (cpu)",
                 label, kind, count, t.wall * 1000, t.cpu * 1000, Double(count) / t.cpu))
    print("RESULT \(label) \(kind) \(count) \(Double(count) / t.wall) \(Double(count) / t.cpu)")
}

func measure(_ label: String, _ bars: [Bar]) {
    let engine = FeatureEngine(asset: "bitcoin")
    if options.kinds.contains("matrix") {
        report(label, "matrix", bars.count, timeMedian(runs: options.runs) { engine.matrix(for: bars).values.count })
    }
    if options.kinds.contains("reuse") {
        // A caller that recomputes a series of the same length: the matrix's storage is reused.
        var matrix = engine.matrix(for: bars)
        report(label, "reuse", bars.count, timeMedian(runs: options.runs) {
            engine.matrix(for: bars, into: &matrix)
            return matrix.values.count
        })
    }
    if options.kinds.contains("reuse1") {
        // The same on the calling thread only: the single-core cost.
        var matrix = engine.matrix(for: bars)
        report(label, "reuse1", bars.count, timeMedian(runs: options.runs) {
            engine.matrix(for: bars, into: &matrix, threads: 1)
            return matrix.values.count
        })
    }
    if options.kinds.contains("rows") {
        report(label, "rows", bars.count, timeMedian(runs: options.runs) { engine.rows(for: bars).count })
    }
    if options.kinds.contains("rowsmt") {
        let threads = FeatureEngine.defaultThreads
        report(label, "rowsmt", bars.count, timeMedian(runs: options.runs) { engine.rows(for: bars, threads: threads).count })
    }
}

/// The live path: one bar at a time through resume, as the feature pipeline runs it.
func measureResume(_ bars: [Bar]) {
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
    report("real", "resume1", bars.count, perBar)
}

if let path = options.realPath {
    do {
        let bars = try BarCSV.read(path)
        measure("real", bars)
        if options.kinds.contains("resume1") { measureResume(bars) }
    } catch {
        print("cannot read \(path): \(error)")
    }
}

let synthetic = SyntheticBars.randomWalk(count: options.syntheticCount, seed: 20_250_101)
if let out = options.writeSynthetic {
    do { try BarCSV.write(synthetic, to: out) } catch { print("cannot write \(out): \(error)") }
}
measure("synthetic", synthetic)
