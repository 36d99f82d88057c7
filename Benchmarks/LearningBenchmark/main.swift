// Learning benchmark: fit every model family on a feature matrix and time it.
//
// Usage: LearningBenchmark MATRIX.csv [--json OUT.json] [--runs 3] [--only FAMILY]
//
// Same protocol as Benchmarks/learning/sklearn_bench.py and the ML reference fixtures: the
// time-ordered purged split, StandardScaler fitted on train, every model fitted on scaled train
// and scored on the scaled hold-out. Each family's fit is timed on its own (median of --runs);
// "whole_set" fits them all in sequence. Peak RSS comes from getrusage(ru_maxrss).
import Domain
import Foundation
import Learning
import Pipelines
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

struct FeatureMatrix {
    let columns: [String]
    let x: Matrix
    let returns: [Double]
    let directions: [Double]
}

func loadMatrix(path: String) throws -> FeatureMatrix {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard !lines.isEmpty else { throw BenchmarkFailure(description: "\(path) is empty") }
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    guard header.count > 4 else { throw BenchmarkFailure(description: "\(path): unexpected header") }
    let featureCount = header.count - 4
    var values = [Double](), returns = [Double](), directions = [Double]()
    values.reserveCapacity(lines.count * featureCount)
    for (number, line) in lines.enumerated() {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == header.count else {
            throw BenchmarkFailure(description: "\(path) line \(number + 2): \(fields.count) fields")
        }
        for field in fields[2...] {
            guard let v = Double(field) else {
                throw BenchmarkFailure(description: "\(path) line \(number + 2): '\(field)' is not a number")
            }
            values.append(v)
        }
        directions.append(values.removeLast())
        returns.append(values.removeLast())
    }
    return FeatureMatrix(columns: Array(header[2..<(2 + featureCount)]),
                         x: Matrix(rows: lines.count, columns: featureCount, values: values),
                         returns: returns, directions: directions)
}

func rmse(_ model: some Predictor, _ x: Matrix, _ y: [Double]) -> Double {
    RegressionMetrics.rmse(predicted: model.predict(x), actual: y)
}

/// One family: fits, scores on the hold-out, and returns (score name, score, artifact payload).
struct Family {
    let name: String
    let fit: () throws -> (scoreName: String, score: Double, payload: ModelPayload)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024 // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576 // bytes on Darwin
    #endif
}

/// User + system CPU time of this process so far (all threads), in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

func run() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var jsonPath: String?
    var runs = 3
    if let i = arguments.firstIndex(of: "--json"), i + 1 < arguments.count {
        jsonPath = arguments[i + 1]; arguments.removeSubrange(i...(i + 1))
    }
    // --only NAME: time one family and skip the whole-set and pipeline rows (for profiling).
    var only: String?
    if let i = arguments.firstIndex(of: "--only"), i + 1 < arguments.count {
        only = arguments[i + 1]; arguments.removeSubrange(i...(i + 1))
    }
    if let i = arguments.firstIndex(of: "--runs"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 {
        runs = n; arguments.removeSubrange(i...(i + 1))
    }
    guard let path = arguments.first else {
        throw BenchmarkFailure(description: "usage: LearningBenchmark MATRIX.csv [--json OUT.json] [--runs 3]")
    }

    let clock = ContinuousClock()
    let prepareStart = clock.now
    let data = try loadMatrix(path: path)
    let split = try PurgedSplit(rowCount: data.x.rows, horizon: 6)
    let scaler = try StandardScaler(fitting: data.x.selecting(rows: split.train))
    let trainX = try scaler.transform(data.x.selecting(rows: split.train))
    let testX = try scaler.transform(data.x.selecting(rows: split.holdout))
    let trainY = Array(data.returns[split.train]), testY = Array(data.returns[split.holdout])
    let trainD = Array(data.directions[split.train]), testD = Array(data.directions[split.holdout])
    let prepare = seconds(clock.now - prepareStart)
    guard let volatility = data.columns.firstIndex(of: "volatility") else {
        throw BenchmarkFailure(description: "\(path) has no volatility column")
    }

    let families: [Family] = [
        Family(name: "ridge") {
            let m = try RidgeRegression(fitting: trainX, targets: trainY, alpha: 1)
            return ("rmse", rmse(m, testX, testY), .ridge(m))
        },
        Family(name: "random_forest") {
            let m = try RandomForest.fit(x: trainX, y: trainY, seed: 42)
            return ("rmse", rmse(m, testX, testY), .randomForest(m))
        },
        Family(name: "gradient_boosting") {
            let m = try GradientBoosting.fit(x: trainX, y: trainY, seed: 42)
            return ("rmse", rmse(m, testX, testY), .gradientBoosting(m))
        },
        Family(name: "xgboost") {
            let m = try XGBoostRegressor.fit(x: trainX, y: trainY, seed: 42)
            return ("rmse", rmse(m, testX, testY), .xgboost(m))
        },
        Family(name: "direction_classifier") {
            let m = try DirectionClassifier.fit(x: trainX, y: trainD, seed: 42)
            let p = m.predict(testX)
            let labels = testD.map { Int($0) }
            return ("accuracy", ClassificationMetrics(probabilities: p, labels: labels).accuracy, .directionClassifier(m))
        },
        Family(name: "pca_kmeans") {
            let m = try RegimeModel(fitting: trainX, returns: trainY, volatility: trainX.column(volatility), seed: 42)
            return ("inertia", m.kmeans.inertia, .regimes(m))
        },
    ]

    struct Row {
        let name: String; let seconds: Double; let cpu: Double; let scoreName: String; let score: Double?; let artifact: String
    }
    var rows = [Row]()
    for family in families where only == nil || family.name == only {
        var times = [Double]()
        var last: (scoreName: String, score: Double, payload: ModelPayload)?
        let cpuStart = cpuSeconds()
        for _ in 0..<runs {
            let start = clock.now
            last = try family.fit()
            times.append(seconds(clock.now - start))
        }
        let cpu = (cpuSeconds() - cpuStart) / Double(runs)
        guard let last else { continue }
        // Artifact size and encode + decode time, once: what storing and loading the model costs.
        let artifact = try ModelArtifact(featureSet: "v1", columns: data.columns, scaler: scaler, payload: last.payload)
        let codecStart = clock.now
        let encoded = try artifact.encoded()
        _ = try ModelArtifact.decode(bytes: encoded.bytes, expectedSHA256: encoded.sha256)
        let codec = seconds(clock.now - codecStart)
        let note = String(format: "%.0f KiB, %.1f ms", Double(encoded.bytes.count) / 1024, codec * 1000)
        rows.append(Row(name: family.name, seconds: median(times), cpu: cpu, scoreName: last.scoreName, score: last.score, artifact: note))
    }
    if only != nil {
        for row in rows { print(row.name, String(format: "%.1f ms wall, %.1f ms cpu", row.seconds * 1000, row.cpu * 1000)) }
        return
    }
    var wholeTimes = [Double]()
    var cpuStart = cpuSeconds()
    for _ in 0..<runs {
        let start = clock.now
        for family in families { _ = try family.fit() }
        wholeTimes.append(seconds(clock.now - start))
    }
    rows.append(Row(name: "whole_set", seconds: median(wholeTimes), cpu: (cpuSeconds() - cpuStart) / Double(runs), scoreName: "-", score: nil, artifact: ""))
    // The service's own training step: split, scale, every family (the forest concurrently
    // with the boosters), classifier and regimes, from the raw matrix.
    var pipelineTimes = [Double]()
    let directions = data.directions.map { Int($0) }
    cpuStart = cpuSeconds()
    for _ in 0..<runs {
        let start = clock.now
        _ = try ModelTrainer().train(x: data.x, y: data.returns, direction: directions, volatilityColumn: volatility, seed: 42)
        pipelineTimes.append(seconds(clock.now - start))
    }
    rows.append(Row(name: "training_pipeline", seconds: median(pipelineTimes), cpu: (cpuSeconds() - cpuStart) / Double(runs), scoreName: "-", score: nil, artifact: ""))
    let peak = peakRSSMiB()

    print("Sentinel Learning on \(path): train \(trainY.count) rows, hold-out \(testY.count), "
          + String(format: "load+scale %.1f ms", prepare * 1000))
    print("family".padding(toLength: 22, withPad: " ", startingAt: 0)
          + "fit (median of \(runs))".leftPadded(22) + "cpu (mean)".leftPadded(12) + "hold-out score".leftPadded(26) + "   artifact (size, encode+decode)")
    for row in rows {
        let score = row.score.map { "\(row.scoreName) " + String(format: "%.6g", $0) } ?? ""
        print(row.name.padding(toLength: 22, withPad: " ", startingAt: 0)
              + String(format: "%.1f ms", row.seconds * 1000).leftPadded(22)
              + String(format: "%.1f ms", row.cpu * 1000).leftPadded(12) + score.leftPadded(26) + "   " + row.artifact)
    }
    print(String(format: "peak RSS %.1f MiB", peak))

    if let jsonPath {
        var results = [String]()
        for row in rows {
            let score = row.score.map { String($0) } ?? "null"
            results.append("\"\(row.name)\": {\"seconds\": \(row.seconds), \"cpu_seconds\": \(row.cpu), \"score_name\": \"\(row.scoreName)\", \"score\": \(score)}")
        }
        let json = "{\"tool\": \"swift\", \"matrix\": \"\(path)\", \"peak_rss_mib\": \(peak), \"results\": {"
            + results.joined(separator: ", ") + "}}\n"
        try json.write(toFile: jsonPath, atomically: true, encoding: .utf8)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("LearningBenchmark: \(error)\n".utf8))
    exit(1)
}
