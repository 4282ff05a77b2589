/// The one-step Q-learning update (Watkins 1989) as MetaQNN applies it (Baker et al. 2017, Eq. 3;
/// the original code's `update_q_value_sequence`):
///
///     Q(s, u) ← (1 − α) Q(s, u) + α [r + γ max_{u'} Q(s', u')]
///
/// The reward is given only on the transition into termination, where the next-state maximum is
/// 0; every earlier transition has reward 0. A trajectory is updated backwards, from its last
/// transition to its first, so one replay carries the reward all the way to the start.
public struct QLearningUpdate: Hashable, Sendable, Codable {
    /// α, the learning rate (original code: 0.01).
    public var learningRate: Double
    /// γ, the discount factor (original code: 1).
    public var discount: Double

    /// Creates the update rule.
    public init(learningRate: Double, discount: Double) {
        self.learningRate = learningRate
        self.discount = discount
    }

    /// Applies the update to every transition of `experience`, last first.
    public func apply<Key>(_ experience: Experience, to table: inout QTable<Key>) {
        var index = experience.states.count - 1
        guard index >= 0 else { return }
        var target = experience.reward
        while index >= 0 {
            let state = Int(experience.states[index])
            let action = Int(experience.actions[index])
            let old = table.utility(of: state, action: action)
            table.setUtility(old + learningRate * (target - old), of: state, action: action)
            // The target of the transition into this state: γ · max_u' Q(this state, u'), read
            // after this state's own update, as the original does.
            target = discount * table.maxUtility(of: state)
            index -= 1
        }
    }
}
