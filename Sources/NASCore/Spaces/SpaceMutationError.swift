/// Why a search space could not mutate a network.
public enum SpaceMutationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The network to mutate is not a network of this space (`notation` as written).
    case networkNotInSpace(space: String, notation: String)
    /// None of `attempts` mutations of `notation` gave a legal network different from it.
    case noLegalMutation(space: String, notation: String, attempts: Int)
    /// The space has no mutation operator for its networks.
    case unsupported(space: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .networkNotInSpace(let space, let notation):
            return "\(notation) is not a network of the \(space) space"
        case .noLegalMutation(let space, let notation, let attempts):
            return "no legal mutation of \(notation) in the \(space) space after \(attempts) attempts"
        case .unsupported(let space):
            return "the \(space) space has no mutation operator"
        }
    }
}
