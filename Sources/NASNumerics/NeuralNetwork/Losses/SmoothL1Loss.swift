/// The smooth L1 (Huber-like) loss of PyTorch's `nn.SmoothL1Loss`: `0.5·d²/β` for `|d| < β`,
/// else `|d| − 0.5·β`, with `d = prediction − target`. Peephole's training loss (§3).
public struct SmoothL1Loss: Sendable, Equatable {
    /// Where the quadratic part turns linear.
    public var beta: Float
    /// How element losses are combined.
    public var reduction: LossReduction

    /// Creates the loss; `beta` must be positive.
    public init(beta: Float = 1, reduction: LossReduction = .mean) {
        self.beta = beta
        self.reduction = reduction
    }

    /// The loss of `predictions` against `targets` (same element count; shapes may differ, e.g.
    /// `[n, 1]` against `[n]`) and its gradient.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the counts differ, `.invalidConfiguration`
    ///   for a non-positive β.
    public func evaluate(predictions: Tensor, targets: Tensor) throws -> LossValue {
        try checkSameCount(predictions, targets, operation: "SmoothL1Loss")
        guard beta > 0 else {
            throw NeuralNetworkError.invalidConfiguration(
                layer: "SmoothL1Loss", reason: "beta must be positive, got \(beta)")
        }
        let scale: Float = reduction == .mean && predictions.count > 0 ? 1 / Float(predictions.count) : 1
        var total = 0.0
        var gradient = Tensor(shape: predictions.shape)
        for index in 0..<predictions.count {
            let difference = predictions.scalars[index] - targets.scalars[index]
            if abs(difference) < beta {
                total += Double(0.5 * difference * difference / beta)
                gradient.scalars[index] = scale * difference / beta
            } else {
                total += Double(abs(difference) - 0.5 * beta)
                gradient.scalars[index] = scale * (difference > 0 ? 1 : -1)
            }
        }
        return LossValue(value: Float(total) * scale, gradient: gradient)
    }
}
