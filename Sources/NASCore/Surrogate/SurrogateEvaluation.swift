/// What the surrogate benchmark makes of one network, before any run noise.
public struct SurrogateEvaluation: Hashable, Sendable {
    /// The features the model read.
    public var features: SurrogateFeatures
    /// The quality logit `z` (docs/surrogate.md).
    public var quality: Double
    /// The probability of divergence given the features and learning rate.
    public var divergenceProbability: Double
    /// Whether this network diverges (a per-network draw below `divergenceProbability`).
    public var isDivergent: Bool
    /// `1/classes`: where a divergent network sits.
    public var chance: Double
    /// The accuracy the full schedule saturates at, ignoring divergence and run noise.
    public var finalAccuracy: Double
    /// The time constant of the curve's rise, in epochs.
    public var convergenceEpochs: Double
    /// The initial learning rate used.
    public var learningRate: Double

    /// The noise-free final accuracy a run reaches: `chance` when divergent, else `finalAccuracy`.
    public var expectedFinalAccuracy: Double {
        isDivergent ? chance : finalAccuracy
    }
}
