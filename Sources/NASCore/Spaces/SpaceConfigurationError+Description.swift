extension SpaceConfigurationError: CustomStringConvertible {
    /// One line for a person, e.g. `block space: stageChannels must be at least 1 (found -8)`.
    public var description: String {
        let subject = "\(space) space: \(parameter)"
        switch problem {
        case .empty:
            return "\(subject) has no values to choose from"
        case .belowMinimum(let value, let minimum):
            return "\(subject) must be at least \(minimum) (found \(value))"
        case .outOfRange(let value, let range):
            return "\(subject) must be in [\(range.lowerBound), \(range.upperBound)] (found \(value))"
        case .wrongCount(let count, let expected):
            return "\(subject) needs \(expected) entries (found \(count))"
        case .notADistribution(let row, let sum):
            return "\(subject) row \(row) must be probabilities summing to 1 with one above 0 (they sum to \(sum))"
        }
    }
}
