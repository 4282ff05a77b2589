/// A seedable, snapshot-able pseudo-random generator: xoshiro256** (Blackman & Vigna 2018),
/// seeded through SplitMix64.
///
/// Strategies own one and store its state in their snapshots, so a resumed search draws exactly
/// the numbers the uninterrupted one would have drawn.
public struct SeededGenerator: RandomNumberGenerator, Hashable, Sendable, Codable {
    /// The four words of state; never all zero.
    public private(set) var state: [UInt64]

    /// Creates a generator whose sequence is a pure function of `seed`.
    public init(seed: UInt64) {
        var splitMix = SplitMix64(seed: seed)
        state = (0..<4).map { _ in splitMix.next() }
    }

    /// Derives an independent generator for a named purpose (a stream per trial, per strategy
    /// component, ...), so that adding draws in one place does not shift another.
    public static func derived(from seed: UInt64, stream: String) -> SeededGenerator {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64
        for byte in stream.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return SeededGenerator(seed: seed ^ hash)
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotateLeft(state[3], 45)
        return result
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let words = try container.decode([UInt64].self)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "generator state must be 4 words, not all zero")
        }
        state = words
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(state)
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
