import NASStore

/// One run's status: the payload of `status RUN`, and one element of `status`'s list.
///
/// Times are Unix seconds (JSON numbers), so `jq 'todate'` reads them.
public struct RunStatusView: Codable, Hashable, Sendable {
    /// The run's name.
    public var name: String
    /// The run's stored state.
    public var state: RunState
    /// Why it finished or failed, when it has.
    public var finishReason: String?
    /// The strategy's kind (`random`, `metaqnn`, …; `unknown` when the stored configuration no longer
    /// parses).
    public var strategy: String
    /// The strategy's phase; `not running` when no daemon runs the run.
    public var phase: String
    /// Trials by state.
    public var counts: TrialCountsView
    /// The best completed trial so far, if any.
    public var best: BestTrialSummary?
    /// The ids of the workers serving the run now (sorted; empty offline).
    public var workers: [String]
    /// Epochs trained and recorded over all trials (reused results cost none).
    public var epochsSpent: Int
    /// Epochs early stopping saved so far: the remaining budgets of the trials it stopped (their
    /// number is `counts.stoppedEarly`).
    public var epochsSaved: Int
    /// When the run was created (Unix seconds).
    public var createdAt: Double
    /// When the run's row last changed (Unix seconds).
    public var updatedAt: Double
    /// The configuration summarized in a few lines (`RunConfiguration.summary`); empty when the
    /// stored configuration no longer parses.
    public var configuration: [String]
    /// The prior's figures (`prior:` runs only).
    public var prior: PriorFiguresView?
    /// The trials trained here, by state: `counts` without the trials that reused a result
    /// (its `reused` is 0); nil from a daemon older than the tallies.
    public var trained: TrialCountsView?
    /// Epochs the prior's vetoes saved: the budgets of the vetoed trials (reuses left out).
    public var epochsSavedByVetoes: Int?
    /// Epochs reuse saved: the budgets of the trials that took a finished trial's result.
    public var epochsSavedByReuse: Int?
    /// Why the run's store could not be read (corrupt, deleted, unreadable); nil for a healthy run.
    /// A run with an error is listed beside the others with `state` `failed`, empty counts and
    /// this message, so one broken store never hides the rest.
    public var error: String?
    /// The final phase's results, one per retrained network, when the final phase has begun.
    public var finalPhase: [FinalPhaseResult]?

    /// Creates a status view.
    public init(
        name: String, state: RunState, finishReason: String?, strategy: String, phase: String,
        counts: TrialCountsView, best: BestTrialSummary?, workers: [String], epochsSpent: Int, epochsSaved: Int = 0,
        createdAt: Double, updatedAt: Double, configuration: [String], prior: PriorFiguresView? = nil,
        error: String? = nil, finalPhase: [FinalPhaseResult]? = nil, trained: TrialCountsView? = nil,
        epochsSavedByVetoes: Int? = nil, epochsSavedByReuse: Int? = nil
    ) {
        self.trained = trained
        self.epochsSavedByVetoes = epochsSavedByVetoes
        self.epochsSavedByReuse = epochsSavedByReuse
        self.name = name
        self.state = state
        self.finishReason = finishReason
        self.strategy = strategy
        self.phase = phase
        self.counts = counts
        self.best = best
        self.workers = workers
        self.epochsSpent = epochsSpent
        self.epochsSaved = epochsSaved
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.configuration = configuration
        self.prior = prior
        self.error = error
        self.finalPhase = finalPhase
    }

    /// The entry of a run whose store cannot be read, for the list of every run.
    ///
    /// - Parameters:
    ///   - name: The run directory's name.
    ///   - error: What went wrong, for a person.
    public static func unreadable(name: String, error: String) -> RunStatusView {
        RunStatusView(
            name: name, state: .failed, finishReason: error, strategy: "unknown", phase: "unreadable",
            counts: TrialCountsView(counts: [:], reused: 0), best: nil, workers: [], epochsSpent: 0, createdAt: 0,
            updatedAt: 0, configuration: [], error: error)
    }
}
