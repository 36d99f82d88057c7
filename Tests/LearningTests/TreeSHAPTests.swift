import Foundation
import Learning
import Testing

/// TreeSHAP explanations and gain importances of every tree family.
@Suite("Tree explanations")
struct TreeSHAPTests {
    static func fits() throws -> TreeFits { try #require(TreeFits.sevenDay) }

    /// max over 50 hold-out rows of |expectedValue + Σ contributions − output|.
    static func additivityError(_ model: some Explainable, output: (ArraySlice<Double>) -> Double,
                                on x: Matrix) -> Double {
        var worst = 0.0
        for r in 0..<min(50, x.rows) {
            let row = x.row(r)
            let sum = model.contributions(row).reduce(model.expectedValue, +)
            worst = max(worst, abs(sum - output(row)))
        }
        return worst
    }

    @Test("random forest contributions add up to the prediction on 50 hold-out rows")
    func forestAdditivity() throws {
        let fits = try Self.fits()
        let forest = try #require(fits.forest)
        #expect(Self.additivityError(forest, output: forest.predict, on: fits.data.holdoutX) < 1e-9)
    }

    @Test("gradient boosting contributions add up to the prediction on 50 hold-out rows")
    func boostingAdditivity() throws {
        let fits = try Self.fits()
        #expect(Self.additivityError(fits.boosting, output: fits.boosting.predict, on: fits.data.holdoutX) < 1e-9)
    }

    @Test("XGBoost-style contributions add up to the prediction on 50 hold-out rows")
    func xgboostAdditivity() throws {
        let fits = try Self.fits()
        #expect(Self.additivityError(fits.xgboost, output: fits.xgboost.predict, on: fits.data.holdoutX) < 1e-9)
    }

    @Test("classifier contributions add up to the log-odds margin on 50 hold-out rows")
    func classifierAdditivity() throws {
        let fits = try Self.fits()
        let c = fits.classifier
        #expect(Self.additivityError(c, output: c.margin, on: fits.data.holdoutX) < 1e-9)
        let row = fits.data.holdoutX.row(0)
        #expect(abs(c.predict(row) - 1 / (1 + exp(-c.margin(row)))) < 1e-15)
    }

    @Test("feature importances are non-negative and sum to 1 for every family")
    func importanceSumsToOne() throws {
        let fits = try Self.fits()
        let forest = try #require(fits.forest)
        for importance in [forest.featureImportance, fits.boosting.featureImportance,
                           fits.xgboost.featureImportance, fits.classifier.featureImportance] {
            #expect(importance.count == 32)
            #expect(importance.allSatisfy { $0 >= 0 })
            #expect(abs(importance.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test("TreeSHAP equals brute-force Shapley values on a small tree")
    func matchesBruteForceShapley() throws {
        // 40 rows, 3 features, a target that depends on all three with an interaction.
        var rng = SplitMix64Stub(seed: 7)
        var values = [Double](), y = [Double]()
        for _ in 0..<40 {
            let a = rng.unit(), b = rng.unit(), c = rng.unit()
            values += [a, b, c]
            y.append((a > 0.5 ? 2 : 0) + (b > 0.3 ? 1 : -1) * (c > 0.6 ? 1.5 : 0.5) + a * 0.1)
        }
        let x = Matrix(rows: 40, columns: 3, values: values)
        let model = try GradientBoosting.fit(x: x, y: y, hyperparameters: .init(treeCount: 3, maxDepth: 3),
                                             seed: 1)
        for r in [0, 5, 17] {
            let row = x.row(r)
            let exact = BruteForceShapley.values(model.ensemble, x: Array(row))
            let fast = model.contributions(row)
            #expect(maxAbsDifference(exact, fast) < 1e-12)
        }
    }
}

/// Shapley values by enumerating every feature subset, with the tree's cover-weighted
/// conditional expectation as the value function (what path-dependent TreeSHAP computes).
enum BruteForceShapley {
    static func values(_ ensemble: TreeEnsemble, x: [Double]) -> [Double] {
        let m = x.count
        var phi = [Double](repeating: 0, count: m)
        func value(_ subset: Int) -> Double {
            ensemble.base + ensemble.scale * ensemble.trees.reduce(0) { $0 + expectation($1, node: 0, x: x, known: subset) }
        }
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        for i in 0..<m {
            for subset in 0..<(1 << m) where subset & (1 << i) == 0 {
                let size = subset.nonzeroBitCount
                let weight = factorial(size) * factorial(m - size - 1) / factorial(m)
                phi[i] += weight * (value(subset | (1 << i)) - value(subset))
            }
        }
        return phi
    }

    static func expectation(_ t: RegressionTree, node: Int, x: [Double], known: Int) -> Double {
        let f = Int(t.feature[node])
        if f < 0 { return t.value[node] }
        let l = Int(t.left[node]), r = Int(t.right[node])
        if known & (1 << f) != 0 {
            return expectation(t, node: x[f] <= t.threshold[node] ? l : r, x: x, known: known)
        }
        return (t.cover[l] * expectation(t, node: l, x: x, known: known)
            + t.cover[r] * expectation(t, node: r, x: x, known: known)) / t.cover[node]
    }
}

/// A tiny local generator for test data (keeps this test free of Domain).
struct SplitMix64Stub {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
