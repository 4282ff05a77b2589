/// The regression metrics the papers report over held-out architectures: mean squared error and
/// the coefficient of determination R² (ALGORITHMS.md §5).
///
/// Both follow scikit-learn's `mean_squared_error` and `r2_score` (unweighted).
public enum RegressionMetrics {
    /// The mean of the squared differences between predictions and targets.
    ///
    /// - Throws: `MetricError` for lists of different lengths, empty lists or non-finite values.
    public static func meanSquaredError(predictions: [Double], targets: [Double]) throws(MetricError) -> Double {
        try MetricError.check(predictions, "predictions", targets, "targets", minimum: 1)
        var sum = 0.0
        for (prediction, target) in zip(predictions, targets) {
            sum += (prediction - target) * (prediction - target)
        }
        return sum / Double(targets.count)
    }

    /// The coefficient of determination `1 − Σ(y − ŷ)² / Σ(y − ȳ)²`.
    ///
    /// It is 1 for perfect predictions, 0 for predicting the mean and negative for worse.
    ///
    /// - Returns: R², or `nil` when the targets are all equal (the denominator is zero, where
    ///   scikit-learn substitutes 1 or 0 by convention).
    /// - Throws: `MetricError` for lists of different lengths, empty lists or non-finite values.
    public static func coefficientOfDetermination(predictions: [Double], targets: [Double]) throws(MetricError)
        -> Double?
    {
        try MetricError.check(predictions, "predictions", targets, "targets", minimum: 1)
        let mean = targets.reduce(0, +) / Double(targets.count)
        var residual = 0.0
        var total = 0.0
        for (prediction, target) in zip(predictions, targets) {
            residual += (target - prediction) * (target - prediction)
            total += (target - mean) * (target - mean)
        }
        guard total > 0 else { return nil }
        return 1 - residual / total
    }
}
