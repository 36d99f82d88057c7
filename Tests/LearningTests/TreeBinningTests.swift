import Learning
import Testing

/// Histogram binning: bounded bins, thresholds consistent with codes.
@Suite("Histogram binning")
struct TreeBinningTests {
    @Test("a feature with few distinct values gets one bin per value, edges at midpoints")
    func fewDistinctValues() throws {
        let x = Matrix(rows: 5, columns: 1, values: [3, 1, 2, 2, 1])
        let binning = try HistogramBinning(x: x)
        #expect(binning.edges[0] == [1.5, 2.5])
        #expect(binning.code(1, feature: 0) == 0)
        #expect(binning.code(2.5, feature: 0) == 1)
        #expect(binning.code(9, feature: 0) == 2)
    }

    @Test("many distinct values are cut into at most 256 bins and codes agree with edges")
    func manyDistinctValues() throws {
        let d = try #require(Window.sevenDay.prepared)
        let binning = try HistogramBinning(x: d.trainX)
        for f in 0..<binning.featureCount {
            let e = binning.edges[f]
            #expect(binning.binCount(feature: f) <= 256)
            #expect(zip(e, e.dropFirst()).allSatisfy { $0 < $1 })
        }
        // code(v) <= b exactly when v <= edges[b]: what lets trees predict on raw values.
        let f = 2
        for r in 0..<d.holdoutX.rows {
            let v = d.holdoutX[r, f]
            let code = Int(binning.code(v, feature: f))
            for (b, edge) in binning.edges[f].enumerated() { #expect((code <= b) == (v <= edge)) }
        }
    }

    @Test("binning rejects non-finite values and bin limits outside 2...256")
    func rejectsBadInput() {
        #expect(throws: LearningError.self) { try HistogramBinning(x: Matrix(rows: 2, columns: 1, values: [1, .infinity])) }
        #expect(throws: LearningError.self) { try HistogramBinning(x: Matrix(rows: 2, columns: 1, values: [1, 2]), maxBins: 300) }
    }

    @Test("a tree trained on binned data predicts its training rows through raw thresholds")
    func rawThresholdsRouteTrainingRows() throws {
        let d = try #require(Window.sevenDay.prepared)
        let model = try GradientBoosting.fit(x: d.trainX, y: d.trainY,
                                             hyperparameters: .init(treeCount: 1, maxDepth: 4, learningRate: 1), seed: 1)
        let tree = try #require(model.ensemble.trees.first)
        #expect(tree.depth == 4)
        // With learning rate 1 one least-squares tree's leaf values are the mean residual of the
        // rows that reach them, so the training SSE must fall below the base model's.
        let predictions = model.predict(d.trainX)
        let sse = zip(predictions, d.trainY).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let base = d.trainY.reduce(0, +) / Double(d.trainY.count)
        let baseSSE = d.trainY.reduce(0) { $0 + ($1 - base) * ($1 - base) }
        #expect(sse < baseSSE)
    }
}
