/// The figures `nasd predict eval` reports for a predictor and its baseline on held-out rows.
///
/// The JSON keys are shared by every `predict eval` (issue 8 §5): `predictor`, `r2`, `mse`,
/// `kendall_tau`, `n_train`, `n_test`, `baseline`, `baseline_r2`, `baseline_mse`,
/// `baseline_kendall_tau`; a figure that is undefined (R² of constant targets, τ of a constant
/// ranking) or that a baseline does not have is written as `null`, never left out.
public struct PredictorEvaluationReport: Hashable, Sendable, Codable {
    /// The predictor's name, e.g. `srm`.
    public var predictor: String
    /// R² of the predicted final values.
    public var r2: Double?
    /// Mean squared error of the predicted final values.
    public var mse: Double?
    /// Kendall's τ-b between predicted and true final values.
    public var kendallTau: Double?
    /// The number of rows trained on.
    public var trainCount: Int
    /// The number of rows predicted.
    public var testCount: Int
    /// The baseline's name, e.g. `last_seen`.
    public var baseline: String
    /// The baseline's R².
    public var baselineR2: Double?
    /// The baseline's MSE.
    public var baselineMSE: Double?
    /// The baseline's Kendall τ-b.
    public var baselineKendallTau: Double?

    /// Creates a report.
    public init(
        predictor: String, r2: Double?, mse: Double?, kendallTau: Double?, trainCount: Int, testCount: Int,
        baseline: String, baselineR2: Double?, baselineMSE: Double?, baselineKendallTau: Double?
    ) {
        self.predictor = predictor
        self.r2 = r2
        self.mse = mse
        self.kendallTau = kendallTau
        self.trainCount = trainCount
        self.testCount = testCount
        self.baseline = baseline
        self.baselineR2 = baselineR2
        self.baselineMSE = baselineMSE
        self.baselineKendallTau = baselineKendallTau
    }

    private enum CodingKeys: String, CodingKey {
        case predictor, r2, mse
        case kendallTau = "kendall_tau"
        case trainCount = "n_train"
        case testCount = "n_test"
        case baseline
        case baselineR2 = "baseline_r2"
        case baselineMSE = "baseline_mse"
        case baselineKendallTau = "baseline_kendall_tau"
    }

    /// Encodes every key, with `null` for an absent figure.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(predictor, forKey: .predictor)
        try container.encode(r2, forKey: .r2)
        try container.encode(mse, forKey: .mse)
        try container.encode(kendallTau, forKey: .kendallTau)
        try container.encode(trainCount, forKey: .trainCount)
        try container.encode(testCount, forKey: .testCount)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(baselineR2, forKey: .baselineR2)
        try container.encode(baselineMSE, forKey: .baselineMSE)
        try container.encode(baselineKendallTau, forKey: .baselineKendallTau)
    }
}
