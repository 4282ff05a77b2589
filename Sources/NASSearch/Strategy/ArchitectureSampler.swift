import NASCore

/// Anything that can draw a complete, legal network from a seeded generator: the MetaQNN space,
/// block-based generation, ...
public protocol ArchitectureSampler: Sendable {
    /// Draws one network that satisfies the space's rules and limits.
    func sampleArchitecture(using generator: inout SeededGenerator) throws(StrategyError) -> Architecture
}
