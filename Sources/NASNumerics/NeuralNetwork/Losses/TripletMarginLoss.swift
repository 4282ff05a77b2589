/// The triplet margin loss of PyTorch's `nn.TripletMarginLoss` (p = 2):
/// `max(0, d(a, p) − d(a, n) + margin)` with `d(x, y) = ‖x − y + ε‖₂`, averaged over triplets.
///
/// RNAS's continuity loss (§4) applies it to penultimate-layer features: a network's features should
/// lie nearer those of a network of close accuracy (positive) than of a distant one (negative).
public struct TripletMarginLoss: Sendable, Equatable {
    /// The required gap between the negative and the positive distance.
    public var margin: Float
    /// Added to each difference before the norm, as `pairwise_distance` does (keeps it differentiable at 0).
    public var epsilon: Float
    /// How triplet losses are combined.
    public var reduction: LossReduction

    /// Creates the loss.
    public init(margin: Float = 1, epsilon: Float = 1e-6, reduction: LossReduction = .mean) {
        self.margin = margin
        self.epsilon = epsilon
        self.reduction = reduction
    }

    /// The loss and its gradients with respect to anchor, positive and negative features.
    public struct Value: Sendable, Equatable {
        /// The reduced loss.
        public var value: Float
        /// `∂value/∂anchor`.
        public var anchorGradient: Tensor
        /// `∂value/∂positive`.
        public var positiveGradient: Tensor
        /// `∂value/∂negative`.
        public var negativeGradient: Tensor
    }

    /// Evaluates the loss on `[triplets, features]` tensors of equal shape.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the three shapes differ or are not rank 2.
    public func evaluate(anchor: Tensor, positive: Tensor, negative: Tensor) throws -> Value {
        guard anchor.rank == 2 else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "TripletMarginLoss", expected: [-1, -1], actual: anchor.shape)
        }
        for other in [positive, negative] where other.shape != anchor.shape {
            throw NeuralNetworkError.shapeMismatch(
                operation: "TripletMarginLoss", expected: anchor.shape, actual: other.shape)
        }
        let (triplets, width) = (anchor.shape[0], anchor.shape[1])
        let scale: Float = reduction == .mean && triplets > 0 ? 1 / Float(triplets) : 1
        var result = Value(
            value: 0, anchorGradient: Tensor(shape: anchor.shape), positiveGradient: Tensor(shape: anchor.shape),
            negativeGradient: Tensor(shape: anchor.shape))
        var total = 0.0
        for triplet in 0..<triplets {
            let base = triplet * width
            var positiveSquares = 0.0
            var negativeSquares = 0.0
            for j in 0..<width {
                let toPositive = Double(anchor.scalars[base + j] - positive.scalars[base + j] + epsilon)
                let toNegative = Double(anchor.scalars[base + j] - negative.scalars[base + j] + epsilon)
                positiveSquares += toPositive * toPositive
                negativeSquares += toNegative * toNegative
            }
            let positiveDistance = positiveSquares.squareRoot()
            let negativeDistance = negativeSquares.squareRoot()
            let slack = positiveDistance - negativeDistance + Double(margin)
            guard slack > 0 else { continue }
            total += slack
            for j in 0..<width {
                let toPositive = Double(anchor.scalars[base + j] - positive.scalars[base + j] + epsilon)
                let toNegative = Double(anchor.scalars[base + j] - negative.scalars[base + j] + epsilon)
                let positivePart = positiveDistance > 0 ? toPositive / positiveDistance : 0
                let negativePart = negativeDistance > 0 ? toNegative / negativeDistance : 0
                result.anchorGradient.scalars[base + j] = scale * Float(positivePart - negativePart)
                result.positiveGradient.scalars[base + j] = -scale * Float(positivePart)
                result.negativeGradient.scalars[base + j] = scale * Float(negativePart)
            }
        }
        result.value = Float(total) * scale
        return result
    }
}
