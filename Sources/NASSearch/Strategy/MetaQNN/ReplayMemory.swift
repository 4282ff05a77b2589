import Foundation

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

/// MetaQNN's experience replay (Baker et al. 2017, §3.2; Lin 1993): every result joins the memory,
/// re-samples included, and after each incorporated result a batch of experiences is drawn
/// uniformly with replacement from the whole memory and replayed through the Q update.
///
/// Encoded compactly (it is in every MetaQNN snapshot, and holds thousands of experiences): one
/// byte string of, per experience, the step count, then each state and action as LEB128 varints,
/// then the reward's 8 IEEE-754 bytes, little-endian.
public struct ReplayMemory: Hashable, Sendable {
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

extension ReplayMemory: Codable {
    private enum CodingKeys: String, CodingKey {
        case count, bytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = try container.decode(Int.self, forKey: .count)
        let bytes = [UInt8](try container.decode(Data.self, forKey: .bytes))
        var reader = VarintReader(bytes: bytes)
        var experiences: [Experience] = []
        experiences.reserveCapacity(max(0, count))
        for _ in 0..<max(0, count) {
            guard let steps = reader.next(), steps <= UInt64(bytes.count) else { try Self.corrupt(container) }
            var states: [Int32] = []
            var actions: [Int32] = []
            for _ in 0..<steps {
                guard let state = reader.next(), let action = reader.next(), state <= UInt64(Int32.max),
                    action <= UInt64(Int32.max)
                else { try Self.corrupt(container) }
                states.append(Int32(state))
                actions.append(Int32(action))
            }
            guard let bits = reader.fixed64() else { try Self.corrupt(container) }
            experiences.append(Experience(states: states, actions: actions, reward: Double(bitPattern: bits)))
        }
        guard reader.isAtEnd else { try Self.corrupt(container) }
        self.experiences = experiences
    }

    public func encode(to encoder: any Encoder) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(experiences.count * 32)
        func append(_ value: UInt64) {
            var rest = value
            while rest >= 0x80 {
                bytes.append(UInt8(rest & 0x7f) | 0x80)
                rest >>= 7
            }
            bytes.append(UInt8(rest))
        }
        for experience in experiences {
            append(UInt64(experience.states.count))
            for (state, action) in zip(experience.states, experience.actions) {
                append(UInt64(UInt32(bitPattern: state)))
                append(UInt64(UInt32(bitPattern: action)))
            }
            let bits = experience.reward.bitPattern
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8((bits >> UInt64(shift)) & 0xff)) }
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(experiences.count, forKey: .count)
        try container.encode(Data(bytes), forKey: .bytes)
    }

    private static func corrupt(_ container: KeyedDecodingContainer<CodingKeys>) throws -> Never {
        throw DecodingError.dataCorruptedError(
            forKey: .bytes, in: container, debugDescription: "the replay memory's bytes are truncated or malformed")
    }
}

/// Reads LEB128 varints and fixed 64-bit little-endian words from a byte array.
private struct VarintReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func next() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count && shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func fixed64() -> UInt64? {
        guard offset + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }
}
