import Foundation
import Learning

/// The ML reference fixtures (Fixtures/README.md): a matrix CSV and the numbers the Python
/// reference computed on it. Loaded once per process.
struct ReferenceFixture: Sendable {
    let columns: [String]
    let splitLabels: [String]
    /// Raw (unscaled) features, all rows.
    let features: Matrix
    let targetReturn: [Double]
    let targetDirection: [Int]
    let reference: Reference

    static let sevenDay: ReferenceFixture? = try? load(matrix: "btc-7d-matrix", reference: "reference")
    static let thirtyDay: ReferenceFixture? = try? load(matrix: "btc-30d-matrix", reference: "reference-30d")

    func rows(_ range: Range<Int>) -> Matrix { features.selecting(rows: range) }

    enum LoadError: Error { case missing(String), malformed(String) }

    static func load(matrix: String, reference: String) throws -> ReferenceFixture {
        guard let csvURL = Bundle.module.url(forResource: matrix, withExtension: "csv", subdirectory: "Fixtures"),
              let jsonURL = Bundle.module.url(forResource: reference, withExtension: "json", subdirectory: "Fixtures")
        else { throw LoadError.missing(matrix) }
        let decoded = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: jsonURL))
        let text = try String(contentsOf: csvURL, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let featureCount = header.count - 4
        var labels = [String](), values = [Double](), returns = [Double](), directions = [Int]()
        labels.reserveCapacity(lines.count)
        values.reserveCapacity(lines.count * featureCount)
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else { throw LoadError.malformed(String(line.prefix(40))) }
            labels.append(String(fields[1]))
            for f in fields[2..<(2 + featureCount)] {
                guard let v = Double(f) else { throw LoadError.malformed(String(f)) }
                values.append(v)
            }
            guard let y = Double(fields[header.count - 2]), let d = Double(fields[header.count - 1]) else {
                throw LoadError.malformed(String(line.prefix(40)))
            }
            returns.append(y)
            directions.append(Int(d))
        }
        return ReferenceFixture(columns: Array(header[2..<(2 + featureCount)]), splitLabels: labels,
                                features: Matrix(rows: lines.count, columns: featureCount, values: values),
                                targetReturn: returns, targetDirection: directions, reference: decoded)
    }
}

/// The parts of reference.json the tests compare against.
struct Reference: Decodable, Sendable {
    struct Split: Decodable, Sendable {
        let n_rows: Int, n_train_raw: Int, purge: Int
        let train_rows: [Int], purged_rows: [Int], holdout_rows: [Int]
    }
    struct Scaler: Decodable, Sendable { let mean: [Double], std: [Double] }
    struct Metrics: Decodable, Sendable {
        let rmse: Double, mae: Double, r2: Double, directional_accuracy: Double, skill_vs_persistence: Double
    }
    struct Regressor: Decodable, Sendable { let holdout_predictions: [Double], metrics: Metrics }
    struct Ridge: Decodable, Sendable {
        let coef: [Double], intercept: Double, holdout_predictions: [Double], metrics: Metrics
    }
    struct Persistence: Decodable, Sendable { let metrics: Metrics }
    struct ClassifierMetrics: Decodable, Sendable {
        let accuracy: Double, precision: Double, recall: Double, f1: Double, log_loss: Double, roc_auc: Double
    }
    struct Classifier: Decodable, Sendable {
        let holdout_proba_up: [Double], holdout_labels: [Int], metrics: ClassifierMetrics
    }
    struct AlwaysUp: Decodable, Sendable { let directional_accuracy: Double, classifier_accuracy: Double }
    struct PCA: Decodable, Sendable {
        let explained_variance_ratio: [Double], explained_variance: [Double], components: [[Double]]
    }
    struct KMeans: Decodable, Sendable { let inertia: Double }
    struct Actual: Decodable, Sendable { let target_log_return: [Double], target_direction: [Int] }

    let features: [String]
    let split: Split
    let scaler: Scaler
    let persistence: Persistence
    let ridge: Ridge
    let random_forest: Regressor
    let gradient_boosting: Regressor
    let xgboost: Regressor
    let classifier: Classifier
    let always_up: AlwaysUp
    let pca: PCA
    let kmeans: KMeans
    let kmeans_scaled_32d: KMeans
    let holdout_actual: Actual
}

/// The fixture's split, scaler and scaled train / hold-out, as every model test needs them.
struct PreparedFixture: Sendable {
    let fixture: ReferenceFixture
    let split: PurgedSplit
    let scaler: StandardScaler
    let trainX: Matrix
    let holdoutX: Matrix
    let trainY: [Double]
    let holdoutY: [Double]

    init(_ fixture: ReferenceFixture) throws {
        self.fixture = fixture
        split = try PurgedSplit(rowCount: fixture.features.rows, horizon: fixture.reference.split.purge)
        scaler = try StandardScaler(fitting: fixture.rows(split.train))
        trainX = try scaler.transform(fixture.rows(split.train))
        holdoutX = try scaler.transform(fixture.rows(split.holdout))
        trainY = Array(fixture.targetReturn[split.train])
        holdoutY = Array(fixture.targetReturn[split.holdout])
    }
}

/// max |a − b| over two equal-length arrays.
func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func maxAbs(_ a: [Double]) -> Double { a.map(abs).max() ?? 0 }

/// Which reference window a parameterised test runs on.
enum Window: String, Sendable, CaseIterable, CustomStringConvertible {
    case sevenDay = "7d", thirtyDay = "30d"

    var description: String { rawValue }

    var prepared: PreparedFixture? {
        switch self {
        case .sevenDay: return Self.preparedSevenDay
        case .thirtyDay: return Self.preparedThirtyDay
        }
    }

    private static let preparedSevenDay = ReferenceFixture.sevenDay.flatMap { try? PreparedFixture($0) }
    private static let preparedThirtyDay = ReferenceFixture.thirtyDay.flatMap { try? PreparedFixture($0) }
}
