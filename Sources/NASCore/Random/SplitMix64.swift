/// A small, fast, seedable pseudo-random generator (Steele, Lea & Flood 2014, "Fast splittable
/// pseudorandom number generators"; the constants of Vigna's reference `splitmix64.c`).
///
/// Every sampler in NASCore takes a generator `inout`; this one makes runs reproducible: the same
/// seed gives the same sequence on every platform. It is not cryptographically secure.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    /// The internal state; advancing it by the golden-ratio increment gives the next output.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
