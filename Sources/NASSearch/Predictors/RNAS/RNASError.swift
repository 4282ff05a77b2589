/// Why the RNAS ranker could not encode a network, be fitted or predict.
public enum RNASError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The network cannot be encoded: a cell with no input→output path, a sequential network that
    /// cannot be analysed or has more layers than the encoding holds.
    case unencodable(network: String, reason: String)
    /// The training set cannot train a ranker (fewer than two examples, examples of different
    /// encodings, a non-finite target).
    case invalidTrainingSet(String)
    /// A setting is out of range.
    case invalidSettings(String)
    /// A tensor given to a fitted model does not have the shape it was fitted on.
    case shapeMismatch(expected: [Int], actual: [Int])
    /// The neural network toolkit refused an operation (a bug here, reported with its context).
    case numerics(String)
    /// A model file (`RNASModelFile`) that cannot be read: not JSON, another format or version, or
    /// parts that do not fit together.
    case unreadableModel(String)
    /// A model trained on one kind of network asked to judge another (its feature tensors differ).
    case networkKindMismatch(model: RNASNetworkKind, needed: RNASNetworkKind)

    public var description: String {
        switch self {
        case .unencodable(let network, let reason): return "cannot encode \(network) for RNAS: \(reason)"
        case .invalidTrainingSet(let reason): return "RNAS training set: \(reason)"
        case .invalidSettings(let reason): return "RNAS settings: \(reason)"
        case .shapeMismatch(let expected, let actual):
            return "RNAS model expects feature tensors of shape \(expected), got \(actual)"
        case .numerics(let reason): return "RNAS numerics: \(reason)"
        case .unreadableModel(let reason): return "not a readable RNAS model: \(reason)"
        case .networkKindMismatch(let model, let needed):
            return "the RNAS model was trained on \(model.description) (\(model.rawValue)); this run's networks are "
                + "\(needed.description) (\(needed.rawValue)), whose feature tensors differ"
        }
    }
}
