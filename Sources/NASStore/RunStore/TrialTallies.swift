/// A run's trials counted by state, as the status view shows them: read from the `trial_tallies`
/// and `metric_tally` tables that triggers keep (schema version 4), so reading them costs the same
/// at 100 trials and at 100,000.
public struct TrialTallies: Hashable, Sendable {
    /// The tallies of the trials in one state.
    public struct StateTally: Hashable, Sendable {
        /// Trials in the state.
        public var trials: Int
        /// Of those, trials that took an identical finished trial's result instead of training.
        public var reused: Int
        /// Epochs early stopping saved over the trained ones (non-zero for `stoppedEarly` only):
        /// each one's budget minus the epoch it stopped at.
        public var epochsSaved: Int
        /// The epoch budgets of the trained (not reused) trials, summed.
        public var trainedBudget: Int
        /// The epoch budgets of the reused trials, summed.
        public var reusedBudget: Int

        /// Creates a state's tally.
        public init(
            trials: Int = 0, reused: Int = 0, epochsSaved: Int = 0, trainedBudget: Int = 0, reusedBudget: Int = 0
        ) {
            self.trials = trials
            self.reused = reused
            self.epochsSaved = epochsSaved
            self.trainedBudget = trainedBudget
            self.reusedBudget = reusedBudget
        }
    }

    /// Every state's tally (every state present).
    public var states: [TrialState: StateTally]
    /// Epochs trained over all trials: each trial's highest stored epoch, summed (reused trials
    /// store none).
    public var epochsTrained: Int

    /// Creates tallies; states left out count zero.
    public init(states: [TrialState: StateTally], epochsTrained: Int) {
        self.states = Dictionary(uniqueKeysWithValues: TrialState.allCases.map { ($0, states[$0] ?? StateTally()) })
        self.epochsTrained = epochsTrained
    }

    /// The number of trials in each state (every state present).
    public var counts: [TrialState: Int] { states.mapValues(\.trials) }
    /// The number of trials in each state that were trained here, reuses left out.
    public var trainedCounts: [TrialState: Int] { states.mapValues { $0.trials - $0.reused } }
    /// Trials that took an identical finished trial's result (counted in their state as well).
    public var reused: Int { states.values.reduce(0) { $0 + $1.reused } }
    /// Epochs early stopping saved.
    public var epochsSaved: Int { states.values.reduce(0) { $0 + $1.epochsSaved } }
}
