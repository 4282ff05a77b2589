/// A run's trials counted by state, as the status view shows them: read from the `trial_tallies`
/// and `metric_tally` tables that triggers keep (schema version 4), so reading them costs the same
/// at 100 trials and at 100,000.
public struct TrialTallies: Hashable, Sendable {
    /// The number of trials in each state (every state present, zero when none).
    public var counts: [TrialState: Int]
    /// Trials that took an identical finished trial's result (counted in their state as well).
    public var reused: Int
    /// Epochs early stopping saved: over the trials it stopped that were trained (not reused), the
    /// budget minus the epoch each stopped at.
    public var epochsSaved: Int
    /// Epochs recorded in `metrics` over all trials.
    public var epochsRecorded: Int

    /// Creates tallies.
    public init(counts: [TrialState: Int], reused: Int, epochsSaved: Int, epochsRecorded: Int) {
        self.counts = counts
        self.reused = reused
        self.epochsSaved = epochsSaved
        self.epochsRecorded = epochsRecorded
    }
}
