import NASStore

/// One trial as the control socket shows it: the elements of `trials` and `best`.
///
/// Times are Unix seconds. `curve` (validation accuracy as reported, earliest first) and
/// `curveEpochs` (the epoch of each value) are present only in detailed views.
public struct TrialView: Codable, Hashable, Sendable {
    /// The trial's id.
    public var id: Int64
    /// Its state.
    public var state: TrialState
    /// The architecture as proposed (bracket notation, with dropout).
    public var notation: String
    /// The architecture in canonical notation.
    public var canonicalNotation: String
    /// Training hyperparameters by name.
    public var hyperparameters: [String: Double]
    /// The epoch budget.
    public var epochBudget: Int
    /// The highest epoch reported.
    public var epochsDone: Int
    /// How many times it was dispatched.
    public var attempts: Int
    /// The validation accuracy at the budget (completed trials).
    public var finalAccuracy: Double?
    /// The best validation accuracy over the epochs reported.
    public var bestAccuracy: Double?
    /// The prior's prediction before dispatch (vetoed or not), when the run has a prior.
    public var priorPrediction: Prediction?
    /// The stop rule's prediction of the final accuracy, when it stopped the trial early.
    public var stopPrediction: Prediction?
    /// The epoch it was stopped at, when it was stopped early.
    public var stoppedAtEpoch: Int?
    /// Training time over all attempts, in seconds.
    public var trainingSeconds: Double
    /// The worker running it, or that last ran it.
    public var worker: String?
    /// Why it failed or was cancelled.
    public var failureReason: String?
    /// The trial whose result it reuses.
    public var reusedFrom: Int64?
    /// What proposed it (`random`, `metaqnn:epsilon=0.9`, …).
    public var source: String
    /// When it was proposed (Unix seconds).
    public var createdAt: Double
    /// When it was first dispatched (Unix seconds).
    public var startedAt: Double?
    /// When it finished (Unix seconds).
    public var finishedAt: Double?
    /// Validation accuracy as reported, earliest first; detailed views only.
    public var curve: [Double]?
    /// The epoch of each `curve` value (`1…n` for a trainer that reports every epoch); detailed
    /// views only.
    public var curveEpochs: [Int]?
    /// The strategy's phase when it proposed the trial (`epsilon=0.9`, `generation=2`,
    /// `bracket=4 rung=0`), `final` for a final-phase trial; absent when none was recorded.
    public var phase: String?
    /// For a final-phase trial: the search trial whose network it retrains.
    public var finalOf: Int64?
    /// For a final-phase trial: its seed's number.
    public var finalSeed: Int?
    /// The test accuracy the trainer reported with the last epoch (`test_accuracy`), when it did.
    public var testAccuracy: Double?

    /// Creates a trial view from a stored trial.
    ///
    /// - Parameters:
    ///   - record: The stored trial.
    ///   - curve: Its stored curve, for a detailed view; `nil` leaves it out.
    public init(record: TrialRecord, curve: [CurvePoint]? = nil, testAccuracy: Double? = nil) {
        self.id = record.id.rawValue
        self.state = record.state
        self.notation = record.proposedNotation
        self.canonicalNotation = record.canonicalNotation
        self.hyperparameters = record.hyperparameters
        self.epochBudget = record.epochBudget
        self.epochsDone = record.epochsDone
        self.attempts = record.attempts
        self.finalAccuracy = record.finalAccuracy
        self.bestAccuracy = record.bestAccuracy
        self.priorPrediction = record.priorPrediction
        self.stopPrediction = record.stopPrediction
        self.stoppedAtEpoch = record.stoppedAtEpoch
        self.trainingSeconds = record.trainingSeconds
        self.worker = record.workerID
        self.failureReason = record.failureReason
        self.reusedFrom = record.reusedFrom?.rawValue
        self.source = record.source
        self.createdAt = record.createdAt.timeIntervalSince1970
        self.startedAt = record.startedAt?.timeIntervalSince1970
        self.finishedAt = record.finishedAt?.timeIntervalSince1970
        self.curve = curve?.map(\.validationAccuracy)
        self.curveEpochs = curve?.map(\.epoch)
        self.phase = record.phase
        self.finalOf = record.finalOf?.rawValue
        self.finalSeed = record.finalSeed
        self.testAccuracy = testAccuracy
    }
}
