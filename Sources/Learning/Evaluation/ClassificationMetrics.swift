#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hold-out scores of the direction classifier (positive class = up = 1), as scikit-learn
/// computes them from `predict_proba`: a row is predicted up when P(up) > 0.5.
/// Zero divisions (no predicted or no actual positives) score 0, as sklearn's default.
public struct ClassificationMetrics: Sendable, Hashable, Codable {
    public var accuracy: Double
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Mean negative log-likelihood with probabilities clipped to [ε, 1 − ε], ε = 2.2e-16.
    public var logLoss: Double
    /// Area under the ROC curve; nil when the labels hold only one class.
    public var rocAUC: Double?

    public init(accuracy: Double, precision: Double, recall: Double, f1: Double, logLoss: Double, rocAUC: Double?) {
        self.accuracy = accuracy; self.precision = precision; self.recall = recall; self.f1 = f1
        self.logLoss = logLoss; self.rocAUC = rocAUC
    }

    /// - Parameters:
    ///   - probabilities: P(up) per row.
    ///   - labels: 1 (up) or 0 per row; the same non-zero count as `probabilities`.
    public init(probabilities: [Double], labels: [Int]) {
        precondition(probabilities.count == labels.count && !labels.isEmpty,
                     "ClassificationMetrics: \(probabilities.count) probabilities for \(labels.count) labels")
        var tp = 0, fp = 0, fn = 0, right = 0
        for (p, y) in zip(probabilities, labels) {
            let predicted = p > 0.5 ? 1 : 0
            if predicted == y { right += 1 }
            if predicted == 1 && y == 1 { tp += 1 }
            if predicted == 1 && y != 1 { fp += 1 }
            if predicted == 0 && y == 1 { fn += 1 }
        }
        let precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0
        let recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0
        let f1 = 2 * tp + fp + fn > 0 ? Double(2 * tp) / Double(2 * tp + fp + fn) : 0
        self.init(accuracy: Double(right) / Double(labels.count), precision: precision, recall: recall, f1: f1,
                  logLoss: Self.logLoss(probabilities: probabilities, labels: labels),
                  rocAUC: Self.rocAUC(scores: probabilities, labels: labels))
    }

    /// Binary cross-entropy, probabilities clipped to [ε, 1 − ε] with ε the Double epsilon
    /// (scikit-learn's `log_loss` default), so a confident miss costs ~36, not infinity.
    public static func logLoss(probabilities: [Double], labels: [Int]) -> Double {
        precondition(probabilities.count == labels.count && !labels.isEmpty, "logLoss: shape")
        let eps = Double.ulpOfOne
        var s = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = min(max(p, eps), 1 - eps)
            s -= y == 1 ? log(q) : log(1 - q)
        }
        return s / Double(labels.count)
    }

    /// ROC AUC as the Mann–Whitney statistic with tied scores given their average rank;
    /// nil when only one class is present.
    public static func rocAUC(scores: [Double], labels: [Int]) -> Double? {
        precondition(scores.count == labels.count, "rocAUC: shape")
        let positives = labels.filter { $0 == 1 }.count
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositive = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for i in start...end where labels[order[i]] == 1 { rankSumPositive += averageRank }
            start = end + 1
        }
        let u = rankSumPositive - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }
}
