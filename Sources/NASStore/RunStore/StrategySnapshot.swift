import Foundation

/// A strategy's state, saved as bytes so a run resumes where it stopped.
public struct StrategySnapshot: Hashable, Sendable {
    /// The snapshot's sequence number (increasing).
    public var sequence: Int64
    /// The strategy's serialized state.
    public var bytes: Data
    /// When it was saved.
    public var savedAt: Date

    /// Creates a snapshot record.
    public init(sequence: Int64, bytes: Data, savedAt: Date) {
        self.sequence = sequence
        self.bytes = bytes
        self.savedAt = savedAt
    }
}
