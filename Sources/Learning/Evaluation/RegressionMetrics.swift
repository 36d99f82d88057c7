public import Domain

/// Hold-out scores of a return regressor, each as defined in the ML fixtures' README
/// (and scikit-learn where it has one). Every function takes predictions and actuals of
/// equal, non-zero length; that is a programmer error to violate (checked by precondition).
public enum RegressionMetrics {
    public static func rmse(predicted: [Double], actual: [Double]) -> Double {
        check(predicted, actual)
        var s = 0.0
        for i in actual.indices {
            let d = predicted[i] - actual[i]
            s += d * d
        }
        return (s / Double(actual.count)).squareRoot()
    }

    public static func mae(predicted: [Double], actual: [Double]) -> Double {
        check(predicted, actual)
        var s = 0.0
        for i in actual.indices { s += abs(predicted[i] - actual[i]) }
        return s / Double(actual.count)
    }

    /// scikit-learn's `r2_score`: 1 − SS_res / SS_tot; with constant actuals, 1 for a
    /// perfect fit and 0 otherwise (its `force_finite` convention).
    public static func r2(predicted: [Double], actual: [Double]) -> Double {
        check(predicted, actual)
        let mean = actual.reduce(0, +) / Double(actual.count)
        var residual = 0.0, total = 0.0
        for i in actual.indices {
            let d = actual[i] - predicted[i], t = actual[i] - mean
            residual += d * d
            total += t * t
        }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    /// Share of rows with a non-zero actual whose prediction has the same sign; a prediction
    /// of exactly 0 counts as wrong (so persistence scores 0). 0 when every actual is 0.
    public static func directionalAccuracy(predicted: [Double], actual: [Double]) -> Double {
        check(predicted, actual)
        var counted = 0, right = 0
        for i in actual.indices where actual[i] != 0 {
            counted += 1
            if (predicted[i] > 0 && actual[i] > 0) || (predicted[i] < 0 && actual[i] < 0) { right += 1 }
        }
        return counted > 0 ? Double(right) / Double(counted) : 0
    }

    /// RMSE of the persistence forecast (a 0 log return): √mean(y²).
    public static func persistenceRMSE(actual: [Double]) -> Double {
        rmse(predicted: [Double](repeating: 0, count: actual.count), actual: actual)
    }

    /// 1 − RMSE / RMSE_persistence; 0 when persistence is perfect (no movement at all).
    public static func skill(rmse: Double, persistenceRMSE: Double) -> Double {
        persistenceRMSE > 0 ? 1 - rmse / persistenceRMSE : 0
    }

    /// Share of rows with a non-zero actual that went up: the always-up directional accuracy.
    public static func alwaysUpDirectionalAccuracy(actual: [Double]) -> Double {
        directionalAccuracy(predicted: [Double](repeating: 1, count: actual.count), actual: actual)
    }

    /// Every regressor score at once, against persistence on the same rows.
    public static func evaluate(predicted: [Double], actual: [Double]) -> ModelMetrics {
        let error = rmse(predicted: predicted, actual: actual)
        let baseline = persistenceRMSE(actual: actual)
        return ModelMetrics(rmse: error, mae: mae(predicted: predicted, actual: actual),
                            r2: r2(predicted: predicted, actual: actual),
                            directionalAccuracy: directionalAccuracy(predicted: predicted, actual: actual),
                            skill: skill(rmse: error, persistenceRMSE: baseline), persistenceRMSE: baseline)
    }

    private static func check(_ predicted: [Double], _ actual: [Double]) {
        precondition(predicted.count == actual.count && !actual.isEmpty,
                     "metrics: \(predicted.count) predictions for \(actual.count) actuals")
    }
}
