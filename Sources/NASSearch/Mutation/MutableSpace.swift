import NASCore

/// A search space that can also mutate its networks, keeping them legal: what regularized
/// evolution (and any other local search) needs from the concrete space.
///
/// A mutation is a pure function of the network and the generator's state. The result is a
/// network of the same space, different from the parent; whether it was seen before is the
/// strategy's concern.
public protocol MutableSpace: NetworkSampler {
    /// One random legal mutation of `network`.
    ///
    /// - Throws: `StrategyError.mutationFailed` when `network` is not of this space or no legal
    ///   mutation is found.
    func mutateNetwork(_ network: Network, using generator: inout SeededGenerator) throws(StrategyError) -> Network
}
