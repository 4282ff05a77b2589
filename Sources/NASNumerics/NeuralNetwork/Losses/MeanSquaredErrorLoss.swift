/// The squared error `(prediction − target)²`, reduced by mean (`nn.MSELoss`) or sum.
public struct MeanSquaredErrorLoss: Sendable, Equatable {
    /// How element losses are combined.
    public var reduction: LossReduction

    /// Creates the loss.
    public init(reduction: LossReduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of `predictions` against `targets` (same element count) and its gradient.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the counts differ.
    public func evaluate(predictions: Tensor, targets: Tensor) throws -> LossValue {
        try checkSameCount(predictions, targets, operation: "MeanSquaredErrorLoss")
        let scale: Float = reduction == .mean && predictions.count > 0 ? 1 / Float(predictions.count) : 1
        var total = 0.0
        var gradient = Tensor(shape: predictions.shape)
        for index in 0..<predictions.count {
            let difference = predictions.scalars[index] - targets.scalars[index]
            total += Double(difference) * Double(difference)
            gradient.scalars[index] = scale * 2 * difference
        }
        return LossValue(value: Float(total) * scale, gradient: gradient)
    }
}
