/// MetaQNN's Q-learning parameters and ε schedule (ALGORITHMS.md §1; defaults from the original
/// code).
public struct MetaQNNParameters: Hashable, Sendable {
    /// The ε schedule.
    public var schedule: [EpsilonSchedule.Step]
    /// α and γ.
    public var update: QLearningUpdate
    /// The utility of an action never updated (original: 0.5).
    public var initialQ: Double
    /// Experiences replayed after each incorporated result (original code: 128; paper: 100).
    public var replayBatch: Int
    /// Whether a veto's prediction is a reward (`prior.reward_vetoed`).
    public var rewardsVetoed: Bool

    /// Creates the parameters; the defaults are the original code's.
    public init(
        schedule: [EpsilonSchedule.Step], update: QLearningUpdate = QLearningUpdate(learningRate: 0.01, discount: 1),
        initialQ: Double = 0.5, replayBatch: Int = 128, rewardsVetoed: Bool = false
    ) {
        self.schedule = schedule
        self.update = update
        self.initialQ = initialQ
        self.replayBatch = replayBatch
        self.rewardsVetoed = rewardsVetoed
    }
}
