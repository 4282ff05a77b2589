/// A candidate to be stored as a queued trial.
public struct NewTrial: Hashable, Sendable {
    /// The architecture in canonical notation (dropout and other training-only details removed).
    public var canonicalNotation: String
    /// The architecture as the strategy proposed it (with dropout).
    public var proposedNotation: String
    /// The trial's identity: canonical hash + hyperparameters + budget (see `TrialIdentity`).
    public var identityKey: String
    /// Training hyperparameters by name.
    public var hyperparameters: [String: Double]
    /// The number of epochs to train to.
    public var epochBudget: Int
    /// What proposed it (the strategy's name and phase, e.g. `"metaqnn:epsilon=0.9"`).
    public var source: String
    /// A predictor's accuracy estimate before training, if any.
    public var predictedAccuracy: Double?
    /// The estimate's standard deviation, if any.
    public var predictedSigma: Double?

    /// Creates a candidate.
    public init(
        canonicalNotation: String, proposedNotation: String, identityKey: String, hyperparameters: [String: Double],
        epochBudget: Int, source: String, predictedAccuracy: Double? = nil, predictedSigma: Double? = nil
    ) {
        self.canonicalNotation = canonicalNotation
        self.proposedNotation = proposedNotation
        self.identityKey = identityKey
        self.hyperparameters = hyperparameters
        self.epochBudget = epochBudget
        self.source = source
        self.predictedAccuracy = predictedAccuracy
        self.predictedSigma = predictedSigma
    }
}
