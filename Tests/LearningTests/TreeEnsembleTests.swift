import Foundation
import Learning
import Testing

/// Hold-out quality of every tree family against the scikit-learn / XGBoost reference levels
/// (Fixtures/README.md): RMSE no more than 2 % above the reference, classifier accuracy no more
/// than 2 points below. The 7-day forest is the exception, held to scikit-learn's own spread
/// over seeds (see `sklearnForestSevenDay`).
@Suite("Tree ensembles against the reference")
struct TreeEnsembleTests {
    static func rmse(_ model: some Predictor, _ fits: TreeFits) -> Double {
        RegressionMetrics.rmse(predicted: model.predict(fits.data.holdoutX), actual: fits.data.holdoutY)
    }

    /// scikit-learn's hold-out RMSE for `RandomForestRegressor(100, max_depth=10)` on 7 days
    /// over random_state 0...9 (Benchmarks/learning/compare_trees.py): mean 4.4994e-3, range
    /// 4.4130e-3...4.6828e-3. The reference (random_state 42, 4.4023e-3) is below all ten: a lucky
    /// draw 2.2 % under scikit-learn's own mean, and 3 of those 10 scikit-learn forests miss the
    /// 2 % band themselves. One seed of ours is held to scikit-learn's seed range; the seed
    /// average — what a forest of this size is expected to score — is held to 1 % of
    /// scikit-learn's and to the 2 % of the reference.
    static let sklearnForestSevenDay = (mean: 4.499428e-3, worst: 4.682784e-3)

    @Test("random forest hold-out RMSE on 7 days is inside scikit-learn's own seed range")
    func forestSevenDay() throws {
        let fits = try #require(TreeFits.sevenDay)
        let forest = try #require(fits.forest)
        let reference = fits.data.fixture.reference.random_forest.metrics.rmse
        let rmse = Self.rmse(forest, fits)
        print("trees 7d random_forest rmse \(rmse) reference \(reference)")
        #expect(rmse <= Self.sklearnForestSevenDay.worst)
    }

    @Test("random forest mean hold-out RMSE over seeds 0...9 is within 1 % of scikit-learn's and 2 % of the reference")
    func forestSevenDaySeedAverage() throws {
        let d = try #require(Window.sevenDay.prepared)
        var total = 0.0
        for seed in UInt64(0)..<10 {
            let forest = try RandomForest.fit(x: d.trainX, y: d.trainY, seed: seed)
            total += RegressionMetrics.rmse(predicted: forest.predict(d.holdoutX), actual: d.holdoutY)
        }
        let mean = total / 10
        print("trees 7d random_forest mean rmse over seeds 0...9 \(mean), scikit-learn \(Self.sklearnForestSevenDay.mean)")
        #expect(abs(mean / Self.sklearnForestSevenDay.mean - 1) <= 0.01)
        let reference = try #require(ReferenceFixture.sevenDay).reference.random_forest.metrics.rmse
        #expect(mean <= reference * 1.02)
    }

    @Test("gradient boosting hold-out RMSE is within 2 % of the reference", arguments: Window.allCases)
    func boosting(window: Window) throws {
        let fits = try #require(window == .sevenDay ? TreeFits.sevenDay : TreeFits.thirtyDay)
        let reference = fits.data.fixture.reference.gradient_boosting.metrics.rmse
        let rmse = Self.rmse(fits.boosting, fits)
        print("trees \(window) gradient_boosting rmse \(rmse) reference \(reference)")
        #expect(rmse <= reference * 1.02)
    }

    @Test("XGBoost-style boosting hold-out RMSE is within 2 % of the reference", arguments: Window.allCases)
    func xgboost(window: Window) throws {
        let fits = try #require(window == .sevenDay ? TreeFits.sevenDay : TreeFits.thirtyDay)
        let reference = fits.data.fixture.reference.xgboost.metrics.rmse
        let rmse = Self.rmse(fits.xgboost, fits)
        print("trees \(window) xgboost rmse \(rmse) reference \(reference)")
        #expect(rmse <= reference * 1.02)
    }

    /// Same cuts, gains and tie rule as XGBoost's `hist`: the trees come out (nearly) the same,
    /// so hold-out predictions follow the reference model's closely, not just its RMSE.
    @Test("XGBoost-style hold-out predictions follow the reference model's", arguments: Window.allCases)
    func xgboostPredictions(window: Window) throws {
        let fits = try #require(window == .sevenDay ? TreeFits.sevenDay : TreeFits.thirtyDay)
        let reference = fits.data.fixture.reference.xgboost.holdout_predictions
        let ours = fits.xgboost.predict(fits.data.holdoutX)
        let difference = maxAbsDifference(ours, reference) / maxAbs(reference)
        let close = zip(ours, reference).filter { abs($0 - $1) <= 1e-4 * maxAbs(reference) }.count
        print("trees \(window) xgboost max relative difference \(difference), close \(close) of \(ours.count)")
        // Measured: 312 / 404 (7d) and 1453 / 1728 (30d) rows agree to 1e-4 of the largest
        // prediction; the rest drift after a near-tie split that float32 gradients resolve otherwise.
        #expect(close * 10 >= ours.count * 7)
        #expect(difference < 0.5)
    }

    @Test("direction classifier accuracy is within 2 points of the reference", arguments: Window.allCases)
    func classifier(window: Window) throws {
        let fits = try #require(window == .sevenDay ? TreeFits.sevenDay : TreeFits.thirtyDay)
        let reference = fits.data.fixture.reference.classifier.metrics.accuracy
        let accuracy = thresholdAccuracy(probabilities: fits.classifier.predict(fits.data.holdoutX),
                                         labels: fits.holdoutDirection)
        print("trees \(window) classifier accuracy \(accuracy) reference \(reference)")
        #expect(accuracy >= reference - 0.02)
    }

    @Test("random forest hold-out RMSE on 30 days is within 2 % of the reference (SENTINEL_SLOW_TESTS)",
          .enabled(if: TreeFits.slowTestsEnabled))
    func forestThirtyDay() throws {
        let fits = try #require(TreeFits.thirtyDay)
        let forest = try #require(fits.forest)
        let reference = fits.data.fixture.reference.random_forest.metrics.rmse
        let rmse = Self.rmse(forest, fits)
        print("trees 30d random_forest rmse \(rmse) reference \(reference)")
        #expect(rmse <= reference * 1.02)
    }
}
