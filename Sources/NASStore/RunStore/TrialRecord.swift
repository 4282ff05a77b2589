import Foundation

/// A stored trial: what was proposed, where it is, and what it achieved.
public struct TrialRecord: Hashable, Sendable {
    /// The trial's identifier.
    public var id: TrialID
    /// The architecture in canonical notation.
    public var canonicalNotation: String
    /// The architecture as proposed (with dropout).
    public var proposedNotation: String
    /// Canonical hash + hyperparameters + budget.
    public var identityKey: String
    /// Training hyperparameters by name.
    public var hyperparameters: [String: Double]
    /// The number of epochs to train to.
    public var epochBudget: Int
    /// The trial's state.
    public var state: TrialState
    /// How many times it has been dispatched.
    public var attempts: Int
    /// What proposed it.
    public var source: String
    /// The prior's estimate before dispatch (vetoed or not), when the run has a prior.
    public var priorPrediction: Prediction?
    /// The stop rule's estimate of the final accuracy, when it stopped the trial early.
    public var stopPrediction: Prediction?
    /// The epoch the trial was stopped at, when it was stopped early.
    public var stoppedAtEpoch: Int?
    /// The validation accuracy at the budget (completed trials only).
    public var finalAccuracy: Double?
    /// The best validation accuracy reported over all epochs.
    public var bestAccuracy: Double?
    /// The highest epoch reported.
    public var epochsDone: Int
    /// Training time summed over its attempts and across daemon restarts, in seconds (what
    /// `trial.timeout` limits).
    public var trainingSeconds: Double
    /// When it was proposed.
    public var createdAt: Date
    /// When it was first dispatched.
    public var startedAt: Date?
    /// When it reached a terminal state.
    public var finishedAt: Date?
    /// When it was last dispatched or last recorded a new epoch (for the no-progress timeout).
    public var lastProgressAt: Date?
    /// The worker running it, or that last ran it.
    public var workerID: String?
    /// Why it failed or was cancelled.
    public var failureReason: String?
    /// The trial whose result this one reuses, when it was not trained itself.
    public var reusedFrom: TrialID?
    /// How many times it was restarted after diverging (`strategy.diverged_restart`).
    public var divergedRestarts: Int
    /// The strategy's phase when it proposed the trial (`ProposalPhase.text`: `epsilon=0.9`,
    /// `generation=2`, `bracket=4 rung=0`), `final` for a final-phase trial, nil when the strategy
    /// has none or the trial predates phases.
    public var phase: String?
    /// For a final-phase trial: the search trial whose network it retrains.
    public var finalOf: TrialID?
    /// For a final-phase trial: its seed's number, 1 … `final.seeds`.
    public var finalSeed: Int?

    /// Whether the trial belongs to the final phase (retrains a search result; no strategy learns
    /// from it).
    public var isFinalPhase: Bool { finalOf != nil }

    /// Creates a trial record.
    public init(
        id: TrialID, canonicalNotation: String, proposedNotation: String, identityKey: String,
        hyperparameters: [String: Double], epochBudget: Int, state: TrialState, attempts: Int, source: String,
        priorPrediction: Prediction?, stopPrediction: Prediction?, stoppedAtEpoch: Int?, finalAccuracy: Double?,
        bestAccuracy: Double?, epochsDone: Int, trainingSeconds: Double, createdAt: Date, startedAt: Date?,
        finishedAt: Date?, lastProgressAt: Date?,
        workerID: String?, failureReason: String?, reusedFrom: TrialID?, divergedRestarts: Int = 0,
        phase: String? = nil, finalOf: TrialID? = nil, finalSeed: Int? = nil
    ) {
        self.id = id
        self.canonicalNotation = canonicalNotation
        self.proposedNotation = proposedNotation
        self.identityKey = identityKey
        self.hyperparameters = hyperparameters
        self.epochBudget = epochBudget
        self.state = state
        self.attempts = attempts
        self.source = source
        self.priorPrediction = priorPrediction
        self.stopPrediction = stopPrediction
        self.stoppedAtEpoch = stoppedAtEpoch
        self.finalAccuracy = finalAccuracy
        self.bestAccuracy = bestAccuracy
        self.epochsDone = epochsDone
        self.trainingSeconds = trainingSeconds
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.lastProgressAt = lastProgressAt
        self.workerID = workerID
        self.failureReason = failureReason
        self.reusedFrom = reusedFrom
        self.divergedRestarts = divergedRestarts
        self.phase = phase
        self.finalOf = finalOf
        self.finalSeed = finalSeed
    }

    /// The epochs early stopping saved on this trial: its budget less the epochs it trained —
    /// the last epoch stored, which passes the stop epoch when the decision waited for its model
    /// while the worker trained on (a trial stopped at epoch 3 whose worker had reached epoch 20 of
    /// 20 saved nothing). Zero unless it was stopped early. `RunStoreSchema.version6`'s triggers
    /// count the same.
    public var epochsSavedByStopping: Int {
        guard state == .stoppedEarly else { return 0 }
        return max(0, epochBudget - max(stoppedAtEpoch ?? 0, epochsDone))
    }
}
