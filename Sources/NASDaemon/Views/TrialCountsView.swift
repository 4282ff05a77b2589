import NASStore

/// How many of a run's trials are in each state, plus how many reused an earlier result.
public struct TrialCountsView: Codable, Hashable, Sendable {
    /// Every trial of the run.
    public var total: Int
    /// Trained to their budget ("done"); includes reused completed results.
    public var completed: Int
    /// On a worker now.
    public var running: Int
    /// Waiting for a worker slot.
    public var queued: Int
    /// Stopped by the pruner with a predicted final accuracy.
    public var stoppedEarly: Int
    /// Rejected before training by the pre-dispatch gate.
    public var vetoed: Int
    /// Every attempt's trainer exited successfully before the budget (a partial curve).
    public var incomplete: Int
    /// Failed (attempts exhausted, a timeout, a trainer error).
    public var failed: Int
    /// Cancelled (the run was stopped).
    public var cancelled: Int
    /// Trials that took an identical finished trial's result instead of training (counted in their
    /// state as well).
    public var reused: Int

    /// Creates counts.
    public init(
        total: Int, completed: Int, running: Int, queued: Int, stoppedEarly: Int, vetoed: Int, incomplete: Int = 0,
        failed: Int, cancelled: Int, reused: Int
    ) {
        self.total = total
        self.completed = completed
        self.running = running
        self.queued = queued
        self.stoppedEarly = stoppedEarly
        self.vetoed = vetoed
        self.incomplete = incomplete
        self.failed = failed
        self.cancelled = cancelled
        self.reused = reused
    }

    /// Builds counts from the store's per-state counts and the number of reused trials.
    ///
    /// - Parameters:
    ///   - counts: `RunStore.trialCounts()`.
    ///   - reused: The number of trials with a `reusedFrom`.
    public init(counts: [TrialState: Int], reused: Int) {
        self.init(
            total: counts.values.reduce(0, +), completed: counts[.completed] ?? 0, running: counts[.running] ?? 0,
            queued: counts[.queued] ?? 0, stoppedEarly: counts[.stoppedEarly] ?? 0, vetoed: counts[.vetoed] ?? 0,
            incomplete: counts[.incomplete] ?? 0, failed: counts[.failed] ?? 0, cancelled: counts[.cancelled] ?? 0,
            reused: reused)
    }
}
