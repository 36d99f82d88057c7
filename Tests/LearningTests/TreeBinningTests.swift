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

    @Test("binning rejects non-finite values and bin limits outside 2...65536")
    func rejectsBadInput() {
        #expect(throws: LearningError.self) { try HistogramBinning(x: Matrix(rows: 2, columns: 1, values: [1, .infinity])) }
        #expect(throws: LearningError.self) { try HistogramBinning(x: Matrix(rows: 2, columns: 1, values: [1, 2]), maxBins: 70_000) }
        #expect(throws: LearningError.self) { try HistogramBinning(x: Matrix(rows: 2, columns: 1, values: [1, 2]), maxBins: 1) }
    }

    @Test("more bins than 256 give one bin per distinct value on 7 days")
    func fineBins() throws {
        let d = try #require(Window.sevenDay.prepared)
        let binning = try HistogramBinning(x: d.trainX, maxBins: 4096)
        let distinct = Set((0..<d.trainX.rows).map { d.trainX[$0, 0] }).count
        #expect(binning.binCount(feature: 0) == distinct)
        #expect(binning.binCount(feature: 0) > 256)
    }

    @Test("XGBoost cuts sit on training values and a value whose float32 equals a cut goes right")
    func xgboostCutRouting() throws {
        let x = Matrix(rows: 5, columns: 1, values: [3, 1, 2, 2, 1])
        let binning = try HistogramBinning(x: x, placement: .xgboostSketch)
        #expect(binning.binCount(feature: 0) == 3)
        #expect(binning.code(1, feature: 0) == 0)
        #expect(binning.code(1.9, feature: 0) == 0)
        #expect(binning.code(2, feature: 0) == 1)
        // 2 − 1e-9 rounds to 2 in float32, so XGBoost (fvalue < cut goes left) sends it right.
        #expect(binning.code(2 - 1e-9, feature: 0) == 1)
        #expect(binning.code(Double(Float(2).nextDown), feature: 0) == 0)
        #expect(binning.code(3, feature: 0) == 2)
    }

    /// Cut values read from XGBoost 3.2.0 (`DMatrix.get_quantile_cut()` after a `hist` fit with
    /// `max_bin=256` on the scaled 7-day train rows; Benchmarks/learning/compare_trees.py).
    @Test("XGBoost sketch cuts on the 7-day matrix equal XGBoost 3.2.0's", arguments: [
        (0, 255, [0: Float(-3.162287712097168), 1: -2.6998167037963867, 2: -2.3180179595947266,
                  127: -0.021000921726226807, 254: 4.058591365814209]),
        (19, 23, [0: Float(-1.5432244539260864), 1: -1.3939220905303955, 11: 0.09910103678703308,
                  22: 1.7414264678955078]),
        (21, 1, [0: Float(1.4959622621536255)]),
    ])
    func xgboostCutsMatchReference(feature: Int, cuts: Int, samples: [Int: Float]) throws {
        let d = try #require(Window.sevenDay.prepared)
        let binning = try HistogramBinning(x: d.trainX, placement: .xgboostSketch)
        let edges = binning.edges[feature]
        #expect(edges.count == cuts)
        for (i, cut) in samples {
            // The edge is the largest double still below the cut in float32.
            #expect(Float(edges[i]) < cut)
            #expect(Float(edges[i].nextUp) >= cut)
        }
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
