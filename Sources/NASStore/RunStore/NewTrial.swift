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
    /// The prior's estimate before training, if the run has a prior.
    public var priorPrediction: Prediction?
    /// The strategy's phase when it proposed it (`TrialRecord.phase`).
    public var phase: String?
    /// For a final-phase trial: the search trial it retrains, and its seed's number.
    public var finalOf: (trial: TrialID, seed: Int)? {
        get { finalTrial.map { ($0, finalSeed ?? 1) } }
        set {
            finalTrial = newValue?.trial
            finalSeed = newValue?.seed
        }
    }
    var finalTrial: TrialID?
    var finalSeed: Int?

    /// Creates a candidate.
    public init(
        canonicalNotation: String, proposedNotation: String, identityKey: String, hyperparameters: [String: Double],
        epochBudget: Int, source: String, priorPrediction: Prediction? = nil, phase: String? = nil
    ) {
        self.canonicalNotation = canonicalNotation
        self.proposedNotation = proposedNotation
        self.identityKey = identityKey
        self.hyperparameters = hyperparameters
        self.epochBudget = epochBudget
        self.source = source
        self.priorPrediction = priorPrediction
        self.phase = phase
    }

    /// `trials.proposed_notation` as stored: empty when it equals the canonical notation (most
    /// networks), which `decodeTrial` reads back as the canonical one — a notation of up to a few
    /// hundred bytes not stored twice in every row.
    var storedProposedNotation: String {
        proposedNotation == canonicalNotation ? "" : proposedNotation
    }
}
