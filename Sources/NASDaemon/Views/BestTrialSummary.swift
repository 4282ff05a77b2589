/// The best completed trial of a run so far: what `nasd status` shows on its "best" line.
public struct BestTrialSummary: Codable, Hashable, Sendable {
    /// The trial's id.
    public var trial: Int64
    /// Its final validation accuracy.
    public var accuracy: Double
    /// Its architecture as proposed (bracket notation, with dropout).
    public var notation: String
    /// Its architecture in canonical notation.
    public var canonicalNotation: String

    /// Creates a summary.
    public init(trial: Int64, accuracy: Double, notation: String, canonicalNotation: String) {
        self.trial = trial
        self.accuracy = accuracy
        self.notation = notation
        self.canonicalNotation = canonicalNotation
    }
}
