import Foundation
import Learning
import Testing

@Test func treeExperiment() throws {
    let data = try #require(Window.sevenDay.prepared)
    let ref = data.fixture.reference
    func corr(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0,+)/Double(a.count), mb = b.reduce(0,+)/Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<a.count { sab += (a[i]-ma)*(b[i]-mb); saa += (a[i]-ma)*(a[i]-ma); sbb += (b[i]-mb)*(b[i]-mb) }
        return sab / (saa*sbb).squareRoot()
    }
    for seed in [42] as [UInt64] {
        for bins in [256] {
            let rf = try RandomForest.fit(x: data.trainX, y: data.trainY, hyperparameters: .init(maxBins: bins), seed: seed)
            let p = rf.predict(data.holdoutX)
            let sd = { (a: [Double]) -> Double in let m = a.reduce(0,+)/Double(a.count); return (a.map{($0-m)*($0-m)}.reduce(0,+)/Double(a.count)).squareRoot() }
            print("sd ours", sd(p), "ref", sd(ref.random_forest.holdout_predictions), "mean ours", p.reduce(0,+)/404, "ref", ref.random_forest.holdout_predictions.reduce(0,+)/404)
            print("RF seed \(seed) bins \(bins) rmse", RegressionMetrics.rmse(predicted: p, actual: data.holdoutY), "corr", corr(p, ref.random_forest.holdout_predictions))
        }
    }
    print("RF ref self rmse", RegressionMetrics.rmse(predicted: ref.random_forest.holdout_predictions, actual: data.holdoutY))
    for mcw in [1.0] {
        for bins in [256] {
            let x = try XGBoostRegressor.fit(x: data.trainX, y: data.trainY, hyperparameters: .init(minChildWeight: mcw, maxBins: bins), seed: 1)
            let p = x.predict(data.holdoutX)
            print("XGB bins \(bins) rmse", RegressionMetrics.rmse(predicted: p, actual: data.holdoutY), "corr", corr(p, ref.xgboost.holdout_predictions), "nodes", x.ensemble.trees.map(\.nodeCount).reduce(0,+))
        }
    }
    let gb = try GradientBoosting.fit(x: data.trainX, y: data.trainY, seed: 1)
    print("GB corr", corr(gb.predict(data.holdoutX), ref.gradient_boosting.holdout_predictions))
}
