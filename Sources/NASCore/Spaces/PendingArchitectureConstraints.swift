// Temporary stand-in until the architecture-model branch lands `ArchitectureConstraints`;
// deleted at that merge.

/// Limits a space carries: a network over either is not proposed.
public struct ArchitectureConstraints: Hashable, Sendable {
    /// The largest admissible parameter count, or `nil` for no limit.
    public var maxParameters: Int?
    /// The largest admissible multiply-accumulate count, or `nil` for no limit.
    public var maxMACs: Int?

    /// Creates limits; `nil` means unlimited.
    public init(maxParameters: Int? = nil, maxMACs: Int? = nil) {
        self.maxParameters = maxParameters
        self.maxMACs = maxMACs
    }

    /// No limits.
    public static let none = ArchitectureConstraints()
}
