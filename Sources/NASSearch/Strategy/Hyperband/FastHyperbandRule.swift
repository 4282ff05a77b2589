/// f-Hyperband's stop rule (Baker et al. 2018, appendix C, Algorithm 2, line 8; ALGORITHMS.md §2):
/// while a configuration trains to r_i epochs, stop it after epoch τ when
/// `Φ(max_k(L, κ·n) − δ; ŷ_r, σ) ≥ Δ`, where `L` is its rung's results so far, n = n_{i+1} the
/// number the rung keeps, and `max_k` the k-th best (−∞, so never a stop, while L has fewer).
///
/// κ is the share of the kept n_{i+1} that must be trained to r_i with high probability: k =
/// ⌈κ·n_{i+1}⌉ (at least 1). κ = 1 stops only what is very likely not to be kept anyway; a smaller
/// κ compares with a better result and stops more.
public struct FastHyperbandRule: Hashable, Sendable, Codable {
    /// Δ and δ (`compareToNth` is unused: the rung's κ·n-th best is the reference).
    public var stopRule: EarlyStoppingRule
    /// κ, in (0, 1] (config key `kappa`).
    public var kappa: Double
    /// d: the curves trained to r before the models for r are fit (config key `min_curves`).
    public var minimumCurves: Int

    /// The default κ.
    public static let defaultKappa = 1.0
    /// The default d (the paper's 100).
    public static let defaultMinimumCurves = 100

    /// Creates the rule.
    ///
    /// - Precondition: `kappa` in (0, 1], `minimumCurves ≥ 2` (the config layer checks these with
    ///   located errors first).
    public init(
        confidence: Double, margin: Double = 0, kappa: Double = Self.defaultKappa,
        minimumCurves: Int = Self.defaultMinimumCurves
    ) {
        precondition(kappa > 0 && kappa <= 1, "κ must lie in (0, 1]")
        precondition(minimumCurves >= 2, "d must be at least 2")
        self.stopRule = EarlyStoppingRule(confidence: confidence, margin: margin)
        self.kappa = kappa
        self.minimumCurves = minimumCurves
    }

    /// k = ⌈κ·n⌉, at least 1: which best result of the rung is the reference.
    public func referenceRank(survivors: Int) -> Int {
        max(1, Int((kappa * Double(max(1, survivors))).rounded(.up)))
    }

    /// `max_k(L, κ·n)`: the rung's k-th best result, or nil while it has fewer than k.
    public func reference(in rung: RungStanding) -> Double? {
        rung.kthBest(referenceRank(survivors: rung.survivors))
    }

    /// Whether to stop a configuration of `rung` whose predicted y_r is `prediction`.
    public func shouldStop(prediction: FinalValuePrediction, rung: RungStanding) -> Bool {
        guard let reference = reference(in: rung) else { return false }
        return stopRule.probabilityOfNotBeating(reference, prediction: prediction) >= stopRule.confidence
    }
}
