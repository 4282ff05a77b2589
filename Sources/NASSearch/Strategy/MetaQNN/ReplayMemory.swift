/// One remembered trajectory and its reward: the states (Q-table indices of their decision keys,
/// start first, terminal state left out) and the action taken in each.
public struct Experience: Hashable, Sendable {
    /// The Q-table index of each non-terminal state visited, start first.
    public var states: [Int32]
    /// The action taken in each of `states`; the last one leads to termination.
    public var actions: [Int32]
    /// The reward received on the transition into termination (validation accuracy).
    public var reward: Double

    /// Creates an experience; `states` and `actions` have the same length.
    public init(states: [Int32], actions: [Int32], reward: Double) {
        precondition(states.count == actions.count, "one action per state")
        self.states = states
        self.actions = actions
        self.reward = reward
    }
}

extension Experience: Codable {
    private enum CodingKeys: String, CodingKey {
        case states = "s", actions = "a", reward = "r"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        states = try container.decode([Int32].self, forKey: .states)
        actions = try container.decode([Int32].self, forKey: .actions)
        reward = try container.decode(Double.self, forKey: .reward)
        guard states.count == actions.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .actions, in: container, debugDescription: "one action per state expected")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(states, forKey: .states)
        try container.encode(actions, forKey: .actions)
        try container.encode(reward, forKey: .reward)
    }
}

/// MetaQNN's experience replay (Baker et al. 2017, §3.2; Lin 1993): every result joins the memory,
/// re-samples included, and after each incorporated result a batch of experiences is drawn
/// uniformly with replacement from the whole memory and replayed through the Q update.
public struct ReplayMemory: Hashable, Sendable, Codable {
    /// Every experience, in the order incorporated.
    public private(set) var experiences: [Experience] = []

    /// Creates an empty memory.
    public init() {}

    /// The number of experiences.
    public var count: Int { experiences.count }

    /// Adds an experience.
    public mutating func append(_ experience: Experience) {
        experiences.append(experience)
    }

    /// Draws `count` experiences uniformly with replacement and applies `update` to each, in the
    /// order drawn; nothing when the memory is empty.
    public func replay<Key>(
        _ count: Int, through update: QLearningUpdate, into table: inout QTable<Key>,
        using generator: inout some RandomNumberGenerator
    ) {
        guard !experiences.isEmpty else { return }
        for _ in 0..<count {
            update.apply(experiences[Int.random(in: 0..<experiences.count, using: &generator)], to: &table)
        }
    }
}
