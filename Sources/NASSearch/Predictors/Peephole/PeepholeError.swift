/// Why Peephole could not encode, fit, predict or load.
public enum PeepholeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A network has no Unified Layer Code sequence.
    case unencodable(network: String, reason: String)
    /// Too few or unusable training examples.
    case insufficientData(String)
    /// A settings value is out of range.
    case invalidSettings(String)
    /// The numerics failed (a shape mismatch: a bug, reported rather than trapped).
    case numerics(String)
    /// A model file that is not a Peephole model of a version this build reads.
    case unreadableModel(String)

    public var description: String {
        switch self {
        case .unencodable(let network, let reason): return "Peephole cannot encode \(network): \(reason)"
        case .insufficientData(let message): return "Peephole cannot be trained: \(message)"
        case .invalidSettings(let message): return "invalid Peephole settings: \(message)"
        case .numerics(let message): return "Peephole numerics failed: \(message)"
        case .unreadableModel(let message): return "not a readable Peephole model: \(message)"
        }
    }
}
