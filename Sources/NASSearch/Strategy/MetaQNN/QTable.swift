import Foundation

/// The Q-values of a decision process: for every state key seen so far, one utility per legal
/// action (Baker et al. 2017, §3.1; the original code's `QValues`).
///
/// States are interned: each key gets a dense index the first time it is seen, and utilities sit
/// in one flat array, so an update touches two array slots and never hashes a state. Trajectories
/// in the `ReplayMemory` refer to states by these indices.
public struct QTable<Key: Hashable & Sendable & Codable>: Sendable {
    /// Every key, in the order first seen (its index is its position).
    public private(set) var keys: [Key]
    /// The utility every new action starts with (the original's `init_utility`).
    public let initialValue: Double
    private var indices: [Key: Int]
    /// `values[offsets[s] ..< offsets[s + 1]]` are the utilities of state s's actions.
    private var offsets: [Int]
    private var values: [Double]

    /// Creates an empty table.
    public init(initialValue: Double) {
        self.initialValue = initialValue
        keys = []
        indices = [:]
        offsets = [0]
        values = []
    }

    /// The number of states in the table.
    public var stateCount: Int { keys.count }

    /// The number of (state, action) pairs in the table.
    public var actionCount: Int { values.count }

    /// The index of `key`, adding it with `actionCount` actions at `initialValue` when new.
    public mutating func intern(_ key: Key, actionCount: Int) -> Int {
        if let index = indices[key] { return index }
        let index = keys.count
        keys.append(key)
        indices[key] = index
        values.append(contentsOf: repeatElement(initialValue, count: actionCount))
        offsets.append(values.count)
        return index
    }

    /// The index of `key`, nil when it was never seen.
    public func index(of key: Key) -> Int? { indices[key] }

    /// How many actions state `state` has.
    public func actionCount(of state: Int) -> Int { offsets[state + 1] - offsets[state] }

    /// The utilities of state `state`'s actions, in action order.
    public func utilities(of state: Int) -> ArraySlice<Double> { values[offsets[state]..<offsets[state + 1]] }

    /// Q(state, action).
    public func utility(of state: Int, action: Int) -> Double { values[offsets[state] + action] }

    /// Sets Q(state, action).
    public mutating func setUtility(_ value: Double, of state: Int, action: Int) {
        values[offsets[state] + action] = value
    }

    /// max over actions of Q(state, ·); 0 for a state without actions.
    public func maxUtility(of state: Int) -> Double {
        let start = offsets[state]
        let end = offsets[state + 1]
        guard start < end else { return 0 }
        var best = values[start]
        var index = start + 1
        while index < end {
            if values[index] > best { best = values[index] }
            index += 1
        }
        return best
    }

    /// The actions of `state` whose utility equals the maximum (several on ties), in order.
    public func greedyActions(of state: Int) -> [Int] {
        let maximum = maxUtility(of: state)
        return utilities(of: state).indices.filter { values[$0] == maximum }.map { $0 - offsets[state] }
    }
}

/// Encoded with the utilities as one byte string of little-endian IEEE-754 doubles (exact, and far
/// cheaper to write and read than a JSON number each: the table is in every MetaQNN snapshot).
extension QTable: Codable {
    private enum CodingKeys: String, CodingKey {
        case initialValue, keys, counts, values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        initialValue = try container.decode(Double.self, forKey: .initialValue)
        keys = try container.decode([Key].self, forKey: .keys)
        let counts = try container.decode([Int].self, forKey: .counts)
        let bytes = try container.decode(Data.self, forKey: .values)
        guard bytes.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: container, debugDescription: "utilities are not whole 8-byte doubles")
        }
        values = bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map {
                Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
            }
        }
        guard counts.count == keys.count, counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) == values.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .counts, in: container, debugDescription: "action counts do not match the keys and values")
        }
        offsets = [0]
        for count in counts { offsets.append(offsets[offsets.count - 1] + count) }
        indices = [:]
        for (index, key) in keys.enumerated() {
            guard indices.updateValue(index, forKey: key) == nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .keys, in: container, debugDescription: "a state appears twice")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(initialValue, forKey: .initialValue)
        try container.encode(keys, forKey: .keys)
        try container.encode((0..<keys.count).map { actionCount(of: $0) }, forKey: .counts)
        var bytes = Data(capacity: values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try container.encode(bytes, forKey: .values)
    }
}

extension QTable: Equatable {
    public static func == (lhs: QTable, rhs: QTable) -> Bool {
        lhs.initialValue == rhs.initialValue && lhs.keys == rhs.keys && lhs.offsets == rhs.offsets
            && lhs.values == rhs.values
    }
}
