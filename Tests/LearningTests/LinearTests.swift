import Testing
@testable import Learning

@Suite("Linear models and scaling")
struct LinearTests {
    @Test("the purged split reproduces the fixture's split labels", arguments: Window.allCases)
    func splitReproducesLabels(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.split
        #expect(p.split.train == ref.train_rows[0]..<ref.train_rows[1])
        #expect(p.split.purged == ref.purged_rows[0]..<ref.purged_rows[1])
        #expect(p.split.holdout == ref.holdout_rows[0]..<ref.holdout_rows[1])
        let labels = (0..<p.fixture.features.rows).map { p.split.label(ofRow: $0) }
        #expect(labels == p.fixture.splitLabels)
    }

    @Test("a split too small for train or hold-out is refused")
    func tinySplitRefused() {
        #expect(throws: LearningError.emptyTrainingSet) { try PurgedSplit(rowCount: 7, horizon: 6) }
        #expect(throws: LearningError.self) { try PurgedSplit(rowCount: 100, trainFraction: 1.5) }
    }

    @Test("the scaler's means and population stds match the reference", arguments: Window.allCases)
    func scalerMatchesReference(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.scaler
        for j in ref.mean.indices {
            #expect(abs(p.scaler.mean[j] - ref.mean[j]) <= 1e-12 * max(abs(ref.mean[j]), 1e-300) + 1e-300)
            #expect(abs(p.scaler.std[j] - ref.std[j]) <= 1e-9 * ref.std[j])
        }
    }

    @Test("a constant column gets scale 1 and maps to 0")
    func constantColumnScaleOne() throws {
        let x = Matrix(rows: 3, columns: 2, values: [1, 5, 2, 5, 3, 5])
        let scaler = try StandardScaler(fitting: x)
        #expect(scaler.std[1] == 0)
        #expect(scaler.scale[1] == 1)
        #expect(scaler.transform([2, 5]) == [0, 0])
    }

    @Test("ridge coefficients and intercept match scikit-learn to 1e-9 relative", arguments: Window.allCases)
    func ridgeCoefficientsMatch(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.ridge
        let ridge = try RidgeRegression(fitting: p.trainX, targets: p.trainY, alpha: 1)
        let tolerance = 1e-9 * maxAbs(ref.coef)
        #expect(maxAbsDifference(ridge.coefficients, ref.coef) <= tolerance)
        #expect(abs(ridge.intercept - ref.intercept) <= tolerance)
    }

    @Test("ridge hold-out predictions match scikit-learn to 1e-9 relative", arguments: Window.allCases)
    func ridgePredictionsMatch(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.ridge.holdout_predictions
        let ridge = try RidgeRegression(fitting: p.trainX, targets: p.trainY)
        let predictions = ridge.predict(p.holdoutX)
        #expect(maxAbsDifference(predictions, ref) <= 1e-9 * maxAbs(ref))
    }

    @Test("linear SHAP contributions add up to each prediction")
    func ridgeShapAdditivity() throws {
        let p = try #require(Window.sevenDay.prepared)
        let ridge = try RidgeRegression(fitting: p.trainX, targets: p.trainY)
        let mean = p.trainY.reduce(0, +) / Double(p.trainY.count)
        #expect(abs(ridge.expectedValue - mean) <= 1e-12)
        for r in stride(from: 0, to: p.holdoutX.rows, by: 7) {
            let row = p.holdoutX.row(r)
            let total = ridge.expectedValue + ridge.contributions(row).reduce(0, +)
            #expect(abs(total - ridge.predict(row)) <= 1e-9)
        }
    }

    @Test("ridge importance is |coef| × std, normalised")
    func ridgeImportance() throws {
        let x = Matrix(rows: 4, columns: 2, values: [0, 0, 1, 2, 2, 4, 3, 6.5])
        let ridge = try RidgeRegression(fitting: x, targets: [1, 2, 3, 4], alpha: 0.5)
        let raw = zip(ridge.coefficients, ridge.featureStd).map { abs($0) * $1 }
        let importance = ridge.featureImportance
        #expect(abs(importance.reduce(0, +) - 1) <= 1e-12)
        #expect(abs(importance[0] - raw[0] / (raw[0] + raw[1])) <= 1e-12)
    }

    @Test("ridge refuses mismatched targets and a non-positive alpha")
    func ridgeRefusesBadInput() {
        let x = Matrix(rows: 2, columns: 1, values: [1, 2])
        #expect(throws: LearningError.self) { try RidgeRegression(fitting: x, targets: [1]) }
        #expect(throws: LearningError.self) { try RidgeRegression(fitting: x, targets: [1, 2], alpha: 0) }
    }

    @Test("persistence predicts a zero return and explains nothing")
    func persistenceIsZero() {
        let model = Persistence(featureCount: 3)
        #expect(model.predict([1, 2, 3]) == 0)
        #expect(model.contributions([1, 2, 3][...]) == [0, 0, 0])
        #expect(model.featureImportance == [0, 0, 0])
    }
}
