import NASNumerics

/// Why SRM could not fit or predict.
public enum SRMError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A setting is out of its domain.
    case invalidSettings(String)
    /// No prefix length has enough complete curves for a model.
    case notEnoughExamples(count: Int, minimum: Int)
    /// No model covers a prefix that ends at `lastEpoch` (the shortest model needs `shortest`).
    case noModel(lastEpoch: Int, shortest: Int?)
    /// The ν-SVR fit failed.
    case regression(SVMError)

    public var description: String {
        switch self {
        case .invalidSettings(let message):
            return "invalid SRM settings: \(message)"
        case .notEnoughExamples(let count, let minimum):
            return "\(count) complete curves; SRM needs at least \(minimum) that run past a prefix length"
        case .noModel(let lastEpoch, let shortest):
            if let shortest {
                return "no model for a prefix ending at epoch \(lastEpoch); the shortest model needs \(shortest) epochs"
            }
            return "no model for a prefix ending at epoch \(lastEpoch)"
        case .regression(let error):
            return "the ν-SVR fit failed: \(error)"
        }
    }
}
