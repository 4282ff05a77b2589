import NASNumerics

/// How well a predictor's estimates agree with the accuracies later measured: Kendall's τ-b (rank
/// agreement, what matters for choosing networks) and R² (the coefficient of determination of the
/// predictions taken as they are, 1 − SS_res / SS_tot), both from NASNumerics (checked against
/// SciPy and scikit-learn there).
struct PredictionAgreement: Hashable, Sendable {
    /// How many (predicted, actual) pairs there were.
    var count: Int
    /// Kendall's τ-b in [-1, 1]; nil with fewer than two pairs or when either side is constant.
    var kendallTau: Double?
    /// R²; nil with fewer than two pairs or constant actual values. Can be negative.
    var rSquared: Double?

    /// Measures the agreement of `predicted[i]` with `actual[i]`.
    init(predicted: [Double], actual: [Double]) {
        let n = min(predicted.count, actual.count)
        count = n
        guard n >= 2 else { return }
        let x = Array(predicted.prefix(n))
        let y = Array(actual.prefix(n))
        kendallTau = (try? KendallTau.tauB(x, y)) ?? nil
        rSquared = (try? RegressionMetrics.coefficientOfDetermination(predictions: x, targets: y)) ?? nil
    }
}
