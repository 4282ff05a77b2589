/// MetaQNN's exploration schedule (Baker et al. 2017, §4 and Table 2): train `models` unique
/// networks at each ε in turn, from pure exploration (ε = 1) down to mostly exploitation.
///
/// Counting follows the original code (`q_server.py`, `number_trained_unique`): a network counts
/// once, the first time it is trained, toward the step it was *proposed* in (its ε travels with
/// it), so results that arrive after the schedule moved on still count where they belong. The
/// schedule advances when the current step has its models; re-sampled networks and results that
/// teach nothing (failures, vetoes) do not count.
public struct EpsilonSchedule: Hashable, Sendable, Codable {
    /// One step: train `models` unique networks at exploration rate `epsilon`.
    public struct Step: Hashable, Sendable, Codable {
        /// ε: the probability of a uniformly random legal action at each choice.
        public var epsilon: Double
        /// How many unique networks to train at this ε.
        public var models: Int

        /// Creates a step.
        public init(epsilon: Double, models: Int) {
            self.epsilon = epsilon
            self.models = models
        }
    }

    /// The steps, in order.
    public let steps: [Step]
    /// Unique networks counted toward each step.
    public private(set) var counts: [Int]
    /// The step proposals are made in; `steps.count` once the schedule is done.
    public private(set) var current: Int

    /// Creates a schedule at its first step.
    public init(steps: [Step]) {
        self.steps = steps
        counts = Array(repeating: 0, count: steps.count)
        current = 0
        advance()
    }

    /// Creates a schedule positioned from counts of unique networks per ε, as the original code
    /// does when it resumes from a replay database (`check_reached_limit`): the current step is the
    /// first whose ε has fewer networks than it asks for.
    ///
    /// - Parameter uniqueModels: unique networks trained at each ε (by exact ε value); each count
    ///   goes to the first step with that ε.
    public init(steps: [Step], uniqueModels: [(epsilon: Double, count: Int)]) {
        self.init(steps: steps)
        for (epsilon, count) in uniqueModels {
            if let step = steps.firstIndex(where: { $0.epsilon == epsilon }) { counts[step] += count }
        }
        current = steps.indices.first { counts[$0] < steps[$0].models } ?? steps.count
    }

    /// The ε of the current step; nil when the schedule is done.
    public var epsilon: Double? { isFinished ? nil : steps[current].epsilon }

    /// Whether every step has its models.
    public var isFinished: Bool { current >= steps.count }

    /// Unique networks counted over all steps.
    public var totalCounted: Int { counts.reduce(0, +) }

    /// Counts one newly trained unique network toward the step it was proposed in, and moves on
    /// when the current step is complete.
    public mutating func recordUniqueModel(proposedInStep step: Int) {
        guard counts.indices.contains(step) else { return }
        counts[step] += 1
        advance()
    }

    private mutating func advance() {
        while current < steps.count && counts[current] >= steps[current].models { current += 1 }
    }
}
