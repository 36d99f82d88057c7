import Domain
import Foundation
import Testing
@testable import Learning

@Suite("Evaluation metrics")
struct MetricsTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test("persistence metrics match the reference", arguments: Window.allCases)
    func persistenceMetrics(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.persistence.metrics
        let m = RegressionMetrics.evaluate(predicted: [Double](repeating: 0, count: p.holdoutY.count), actual: p.holdoutY)
        #expect(Self.close(m.rmse, ref.rmse) && Self.close(m.mae, ref.mae) && Self.close(m.r2, ref.r2))
        #expect(m.directionalAccuracy == 0 && m.skill == 0)
        #expect(Self.close(m.persistenceRMSE, ref.rmse))
    }

    @Test("every regressor's reference predictions score the reference metrics", arguments: Window.allCases)
    func regressorMetrics(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference
        let cases: [(String, [Double], Reference.Metrics)] = [
            ("ridge", ref.ridge.holdout_predictions, ref.ridge.metrics),
            ("random_forest", ref.random_forest.holdout_predictions, ref.random_forest.metrics),
            ("gradient_boosting", ref.gradient_boosting.holdout_predictions, ref.gradient_boosting.metrics),
            ("xgboost", ref.xgboost.holdout_predictions, ref.xgboost.metrics),
        ]
        #expect(ref.holdout_actual.target_log_return == p.holdoutY)
        for (name, predictions, expected) in cases {
            let m = RegressionMetrics.evaluate(predicted: predictions, actual: p.holdoutY)
            #expect(Self.close(m.rmse, expected.rmse), "\(name) rmse")
            #expect(Self.close(m.mae, expected.mae), "\(name) mae")
            #expect(Self.close(m.r2, expected.r2, 1e-10), "\(name) r2")
            #expect(m.directionalAccuracy == expected.directional_accuracy, "\(name) directional accuracy")
            #expect(Self.close(m.skill, expected.skill_vs_persistence, 1e-10), "\(name) skill")
        }
    }

    @Test("always-up accuracy matches the reference", arguments: Window.allCases)
    func alwaysUp(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.always_up
        #expect(RegressionMetrics.alwaysUpDirectionalAccuracy(actual: p.holdoutY) == ref.directional_accuracy)
        let labels = p.fixture.reference.holdout_actual.target_direction
        let always = ClassificationMetrics(probabilities: [Double](repeating: 1, count: labels.count), labels: labels)
        #expect(Self.close(always.accuracy, ref.classifier_accuracy))
    }

    @Test("classifier metrics from the reference probabilities match scikit-learn", arguments: Window.allCases)
    func classifierMetrics(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.classifier
        // holdout_labels are the classifier's own predictions; the truth is holdout_actual.
        let actual = p.fixture.reference.holdout_actual.target_direction
        #expect(actual == Array(p.fixture.targetDirection[p.split.holdout]))
        #expect(ref.holdout_proba_up.map { $0 > 0.5 ? 1 : 0 } == ref.holdout_labels)
        let m = ClassificationMetrics(probabilities: ref.holdout_proba_up, labels: actual)
        #expect(Self.close(m.accuracy, ref.metrics.accuracy))
        #expect(Self.close(m.precision, ref.metrics.precision))
        #expect(Self.close(m.recall, ref.metrics.recall))
        #expect(Self.close(m.f1, ref.metrics.f1))
        #expect(Self.close(m.logLoss, ref.metrics.log_loss, 1e-12))
        #expect(Self.close(try #require(m.rocAUC), ref.metrics.roc_auc))
    }

    @Test("directional accuracy ignores flat actuals and counts a zero prediction wrong")
    func directionalAccuracyRules() {
        let actual = [0.01, -0.02, 0, 0.03, -0.01]
        let predicted = [0.5, -0.1, 0.7, 0, 0.2]
        // Counted rows: 0 (right), 1 (right), 3 (zero prediction: wrong), 4 (wrong).
        #expect(RegressionMetrics.directionalAccuracy(predicted: predicted, actual: actual) == 0.5)
        #expect(RegressionMetrics.directionalAccuracy(predicted: [1, 1], actual: [0, 0]) == 0)
    }

    @Test("RMSE, MAE, R² and skill on a hand-made case")
    func regressionHandCase() {
        let actual = [1.0, 2, 3, 4], predicted = [1.5, 2, 2, 4]
        #expect(RegressionMetrics.rmse(predicted: predicted, actual: actual) == (1.25 / 4).squareRoot())
        #expect(RegressionMetrics.mae(predicted: predicted, actual: actual) == 0.375)
        #expect(Self.close(RegressionMetrics.r2(predicted: predicted, actual: actual), 1 - 1.25 / 5))
        #expect(RegressionMetrics.r2(predicted: [2, 2], actual: [2, 2]) == 1)
        #expect(RegressionMetrics.r2(predicted: [1, 2], actual: [2, 2]) == 0)
        #expect(RegressionMetrics.skill(rmse: 1, persistenceRMSE: 2) == 0.5)
    }

    @Test("ROC AUC averages the ranks of tied scores")
    func rocAUCWithTies() {
        // Pairs (pos, neg): 0.8 vs 0.1 ✓, 0.8 vs 0.4 ✓, 0.4 vs 0.1 ✓, 0.4 vs 0.4 tie (½) → 3.5 / 4.
        let auc = ClassificationMetrics.rocAUC(scores: [0.1, 0.4, 0.4, 0.8], labels: [0, 0, 1, 1])
        #expect(auc == 0.875)
        #expect(ClassificationMetrics.rocAUC(scores: [0.3, 0.3, 0.3], labels: [0, 1, 1]) == 0.5)
        #expect(ClassificationMetrics.rocAUC(scores: [0.1, 0.2], labels: [1, 1]) == nil)
    }

    @Test("log-loss clips certain misses at machine epsilon")
    func logLossClipping() {
        let plain = ClassificationMetrics.logLoss(probabilities: [0.8, 0.3], labels: [1, 0])
        #expect(Self.close(plain, -(log(0.8) + log(0.7)) / 2))
        let certainMiss = ClassificationMetrics.logLoss(probabilities: [0.0], labels: [1])
        #expect(Self.close(certainMiss, -log(Double.ulpOfOne)))
        #expect(certainMiss.isFinite)
    }

    @Test("precision, recall and F1 with up as the positive class; no positives score 0")
    func classifierHandCase() {
        let m = ClassificationMetrics(probabilities: [0.9, 0.6, 0.4, 0.2, 0.5], labels: [1, 0, 1, 0, 1])
        // Predicted up: rows 0, 1 (0.5 is not > 0.5). tp 1, fp 1, fn 2.
        #expect(m.precision == 0.5)
        #expect(Self.close(m.recall, 1.0 / 3))
        #expect(Self.close(m.f1, 0.4))
        #expect(m.accuracy == 0.4)
        let none = ClassificationMetrics(probabilities: [0.1, 0.2], labels: [1, 0])
        #expect(none.precision == 0 && none.f1 == 0)
    }
}
