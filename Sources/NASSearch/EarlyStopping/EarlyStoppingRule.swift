/// Baker et al.'s stop rule (2018, §4): terminate a configuration when
/// `Φ(y_ref − δ; ŷ_T, σ) ≥ Δ`, the probability that its final value will not beat the reference
/// by more than the margin, where `y_ref` is the best final value so far, or the n-th best.
///
/// `δ > 0` lets configurations within δ of the reference finish; comparing to the n-th best makes
/// the top n finish with high probability (ALGORITHMS.md §2).
public struct EarlyStoppingRule: Hashable, Sendable, Codable {
    /// Δ: the probability threshold (config key `confidence`), in (0, 1].
    public var confidence: Double
    /// δ: the margin below the reference (config key `margin`), ≥ 0.
    public var margin: Double
    /// n: compare to the n-th best final value (config key `compare_to_nth`), ≥ 1.
    public var compareToNth: Int

    /// Creates the rule.
    ///
    /// - Precondition: `confidence` in (0, 1], `margin ≥ 0`, `compareToNth ≥ 1` (the config
    ///   layer checks these with located errors before a rule is built).
    public init(confidence: Double, margin: Double = 0, compareToNth: Int = 1) {
        precondition(confidence > 0 && confidence <= 1, "confidence Δ must lie in (0, 1]")
        precondition(margin >= 0, "margin δ cannot be negative")
        precondition(compareToNth >= 1, "compare_to_nth must be at least 1")
        self.confidence = confidence
        self.margin = margin
        self.compareToNth = compareToNth
    }

    /// `y_ref`: the `compareToNth`-th best of the final values, or `nil` when there are fewer.
    public func reference(finalValues: [Double]) -> Double? {
        guard finalValues.count >= compareToNth else { return nil }
        return finalValues.sorted(by: >)[compareToNth - 1]
    }

    /// `Φ(y_ref − δ; ŷ, σ)`: the probability that the final value ends at or below `y_ref − δ`.
    public func probabilityOfNotBeating(_ reference: Double, prediction: FinalValuePrediction) -> Double {
        prediction.distribution.cumulativeProbability(reference - margin)
    }

    /// Whether to stop a configuration with this prediction, given the final values so far.
    ///
    /// - Returns: `false` while there are fewer than `compareToNth` final values.
    public func shouldStop(prediction: FinalValuePrediction, finalValues: [Double]) -> Bool {
        guard let reference = reference(finalValues: finalValues) else { return false }
        return probabilityOfNotBeating(reference, prediction: prediction) >= confidence
    }
}
