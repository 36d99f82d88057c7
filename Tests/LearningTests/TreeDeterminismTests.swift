import Learning
import Testing

/// Same seed, same model: whatever the thread count.
@Suite("Tree determinism")
struct TreeDeterminismTests {
    static func data() throws -> PreparedFixture { try #require(Window.sevenDay.prepared) }

    static let small = RandomForest.Hyperparameters(treeCount: 12, maxDepth: 8)

    @Test("a random forest refitted with the same seed predicts identically")
    func forestSameSeed() throws {
        let d = try Self.data()
        let a = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 9)
        let b = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 9)
        #expect(a.predict(d.holdoutX) == b.predict(d.holdoutX))
        #expect(a == b)
    }

    @Test("a random forest with another seed predicts differently")
    func forestOtherSeed() throws {
        let d = try Self.data()
        let a = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 9)
        let b = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 10)
        #expect(a.predict(d.holdoutX) != b.predict(d.holdoutX))
    }

    @Test("a random forest is identical on 1 and 3 threads")
    func forestThreads() throws {
        let d = try Self.data()
        let one = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 5, threads: 1)
        let three = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 5, threads: 3)
        #expect(one == three)
    }

    @Test("a forest grown by helpers joining at different moments equals the one-thread fit")
    func forestGrowthSharedByLateHelpers() async throws {
        let d = try Self.data()
        let one = try RandomForest.fit(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 5, threads: 1)
        let growth = try RandomForest.Growth(x: d.trainX, y: d.trainY, hyperparameters: Self.small, seed: 5)
        // One helper starts at once, another after a pause, and the caller takes what is left.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { growth.help() }
            group.addTask { try? await Task.sleep(for: .milliseconds(20)); growth.help() }
        }
        #expect(growth.forest() == one)
    }

    @Test("boosted models are identical on 1 and 4 threads (30 days: parallel split finding)")
    func boostingThreads() throws {
        let d = try #require(Window.thirtyDay.prepared)
        let gb = GradientBoosting.Hyperparameters(treeCount: 5)
        let one = try GradientBoosting.fit(x: d.trainX, y: d.trainY, hyperparameters: gb, seed: 1, threads: 1)
        let four = try GradientBoosting.fit(x: d.trainX, y: d.trainY, hyperparameters: gb, seed: 1, threads: 4)
        #expect(one == four)
        let xgb = XGBoostRegressor.Hyperparameters(treeCount: 5)
        let xOne = try XGBoostRegressor.fit(x: d.trainX, y: d.trainY, hyperparameters: xgb, seed: 1, threads: 1)
        let xFour = try XGBoostRegressor.fit(x: d.trainX, y: d.trainY, hyperparameters: xgb, seed: 1, threads: 4)
        #expect(xOne == xFour)
    }

    @Test("a shared midpoint binning is not used by XGBoost, which builds its sketch cuts")
    func xgboostIgnoresMidpointBinning() throws {
        let d = try Self.data()
        let hp = XGBoostRegressor.Hyperparameters(treeCount: 3)
        let shared = try HistogramBinning(x: d.trainX)
        let withShared = try XGBoostRegressor.fit(x: d.trainX, y: d.trainY, hyperparameters: hp, seed: 1, binning: shared)
        let sketch = try HistogramBinning(x: d.trainX, placement: .xgboostSketch)
        let withSketch = try XGBoostRegressor.fit(x: d.trainX, y: d.trainY, hyperparameters: hp, seed: 1, binning: sketch)
        let own = try XGBoostRegressor.fit(x: d.trainX, y: d.trainY, hyperparameters: hp, seed: 1)
        #expect(withShared == own)
        #expect(withSketch == own)
    }

    @Test("fitting rejects mismatched shapes, non-finite values and one-class labels")
    func rejectsBadInput() throws {
        let x = Matrix(rows: 3, columns: 1, values: [1, 2, 3])
        #expect(throws: LearningError.self) { try GradientBoosting.fit(x: x, y: [1, 2], seed: 1) }
        #expect(throws: LearningError.self) { try XGBoostRegressor.fit(x: x, y: [1, .nan, 2], seed: 1) }
        #expect(throws: LearningError.singular("direction labels hold a single class")) {
            try DirectionClassifier.fit(x: x, y: [1, 1, 1], seed: 1)
        }
        #expect(throws: LearningError.self) {
            try RandomForest.fit(x: x, y: [1, 2, 3], hyperparameters: .init(treeCount: 0), seed: 1)
        }
    }
}
