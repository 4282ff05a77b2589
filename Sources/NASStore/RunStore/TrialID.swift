/// A trial's identifier, unique within its run and never reused (`trials.id`).
public struct TrialID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The row id (1, 2, 3, … in proposal order).
    public var rawValue: Int64

    /// Wraps a row id.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// Parses the decimal form used in trial specs and messages (`"17"`).
    public init?(_ description: String) {
        guard let value = Int64(description), value > 0 else { return nil }
        self.rawValue = value
    }

    /// Orders by row id (proposal order).
    public static func < (lhs: TrialID, rhs: TrialID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The row id in decimal, e.g. `"17"`.
    public var description: String { String(rawValue) }
}
