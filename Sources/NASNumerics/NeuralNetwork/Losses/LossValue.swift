/// A loss and its gradient with respect to the predictions.
public struct LossValue: Sendable, Equatable {
    /// The (reduced) loss.
    public var value: Float
    /// `∂value/∂predictions`, of the predictions' shape.
    public var gradient: Tensor

    /// Creates a loss value.
    public init(value: Float, gradient: Tensor) {
        self.value = value
        self.gradient = gradient
    }
}

/// How per-element (or per-pair) losses are combined.
public enum LossReduction: String, Sendable, Codable {
    /// The mean (PyTorch's default).
    case mean
    /// The sum.
    case sum
}

/// Checks that predictions and targets hold the same number of values.
func checkSameCount(_ predictions: Tensor, _ targets: Tensor, operation: String) throws {
    guard predictions.count == targets.count else {
        throw NeuralNetworkError.shapeMismatch(operation: operation, expected: predictions.shape, actual: targets.shape)
    }
}
