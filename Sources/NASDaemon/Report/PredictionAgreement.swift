/// How well a predictor's estimates agree with the accuracies later measured: Kendall's τ-b (rank
/// agreement, what matters for choosing networks) and R² (the coefficient of determination of the
/// predictions taken as they are, 1 − SS_res / SS_tot).
///
/// Note for the lead: NASNumerics is getting its own Kendall τ and R²; switch this helper to them
/// once they land (this file is the only user).
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
        var concordant = 0.0
        var discordant = 0.0
        var tiedPredicted = 0.0
        var tiedActual = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let a = predicted[i] - predicted[j]
                let b = actual[i] - actual[j]
                if a == 0 && b == 0 {
                    continue
                } else if a == 0 {
                    tiedPredicted += 1
                } else if b == 0 {
                    tiedActual += 1
                } else if (a > 0) == (b > 0) {
                    concordant += 1
                } else {
                    discordant += 1
                }
            }
        }
        let denominator = ((concordant + discordant + tiedPredicted) * (concordant + discordant + tiedActual))
            .squareRoot()
        kendallTau = denominator > 0 ? (concordant - discordant) / denominator : nil
        let mean = actual.prefix(n).reduce(0, +) / Double(n)
        let total = actual.prefix(n).reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let residual = zip(predicted.prefix(n), actual.prefix(n)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        rSquared = total > 0 ? 1 - residual / total : nil
    }
}
