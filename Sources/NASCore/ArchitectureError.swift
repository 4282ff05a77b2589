/// Why an architecture cannot be built: names the layer index and the reason.
///
/// Raised by `Architecture.analyze(input:)` and `Architecture.validate(input:)`, which walk the
/// layers input first and report the first problem they meet.
public enum ArchitectureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The layer at `layerIndex` (0-based) cannot follow what comes before it, or has an
    /// impossible hyperparameter; `reason` says why in words. A problem with the input shape
    /// itself is reported at layer index 0.
    case impossible(layerIndex: Int, reason: String)
    /// The network has no softmax classifier `SM(n)`.
    case noClassifier

    /// A one-line explanation naming the layer.
    public var description: String {
        switch self {
        case .impossible(let layerIndex, let reason):
            return "layer \(layerIndex): \(reason)"
        case .noClassifier:
            return "the network has no classifier: it must end in a softmax layer SM(n)"
        }
    }
}
