import NASCore

/// Anything that can draw a complete, legal network from a seeded generator: the MetaQNN space,
/// block-based generation, the NAS-Bench-101 cell space, ...
public protocol NetworkSampler: Sendable {
    /// Draws one network that satisfies the space's rules and limits.
    func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network
}
