/// Why a neural-network operation refused its input.
public enum NeuralNetworkError: Error, Equatable, CustomStringConvertible {
    /// A shape was built from an element count that is not the product of its extents.
    case elementCountMismatch(shape: [Int], count: Int)
    /// An operation received a tensor of the wrong shape (`-1` in `expected` means any extent).
    case shapeMismatch(operation: String, expected: [Int], actual: [Int])
    /// An embedding look-up received an index outside its table.
    case indexOutOfRange(operation: String, index: Int, count: Int)
    /// A sequence length was outside `1...maximumLength`.
    case invalidSequenceLength(index: Int, length: Int, maximumLength: Int)
    /// `backward` was called without a matching training-mode `forward` before it.
    case backwardWithoutForward(layer: String)
    /// A layer or loss was configured with an impossible value.
    case invalidConfiguration(layer: String, reason: String)
    /// A saved model state does not fit the model it is loaded into.
    case stateMismatch(parameter: String, reason: String)
    /// A saved model state was written by an unknown format version.
    case unsupportedStateVersion(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .elementCountMismatch(let shape, let count):
            return "tensor shape \(shape) needs \(shape.reduce(1, *)) elements, got \(count)"
        case .shapeMismatch(let operation, let expected, let actual):
            return "\(operation): expected shape \(expected) (-1 = any), got \(actual)"
        case .indexOutOfRange(let operation, let index, let count):
            return "\(operation): index \(index) is outside 0..<\(count)"
        case .invalidSequenceLength(let index, let length, let maximumLength):
            return "sequence \(index) has length \(length), expected 1...\(maximumLength)"
        case .backwardWithoutForward(let layer):
            return "\(layer): backward called without a training forward pass before it"
        case .invalidConfiguration(let layer, let reason):
            return "\(layer): \(reason)"
        case .stateMismatch(let parameter, let reason):
            return "model state does not fit parameter '\(parameter)': \(reason)"
        case .unsupportedStateVersion(let found, let supported):
            return "model state format version \(found) is not supported (this build reads \(supported))"
        }
    }
}
