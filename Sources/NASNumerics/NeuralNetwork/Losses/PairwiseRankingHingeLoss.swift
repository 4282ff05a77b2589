/// RNAS's pairwise ranking loss (§4): `Σ_{y_i > y_j} max(0, m − (ŷ_i − ŷ_j))`.
///
/// Only the order of the targets matters: every pair whose targets differ contributes, oriented so
/// that the better network comes first; pairs with equal targets are skipped. With `.mean` the sum
/// is divided by the number of contributing pairs (PyTorch's `MarginRankingLoss` convention).
public struct PairwiseRankingHingeLoss: Sendable, Equatable {
    /// The margin `m` by which a better network should out-score a worse one.
    public var margin: Float
    /// How pair losses are combined.
    public var reduction: LossReduction

    /// Creates the loss.
    public init(margin: Float = 0.1, reduction: LossReduction = .mean) {
        self.margin = margin
        self.reduction = reduction
    }

    /// The loss over the given pairs of positions, or over every pair of the batch when `pairs` is nil.
    ///
    /// - Parameters:
    ///   - predictions: one score per network (`[n]` or `[n, 1]`).
    ///   - targets: the networks' true accuracies, `n` values.
    ///   - pairs: index pairs into the batch, in either order; nil means all `n(n−1)/2` pairs.
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the counts differ, `.indexOutOfRange` for a bad pair.
    public func evaluate(predictions: Tensor, targets: Tensor, pairs: [(Int, Int)]? = nil) throws -> LossValue {
        try checkSameCount(predictions, targets, operation: "PairwiseRankingHingeLoss")
        let count = predictions.count
        var gradient = Tensor(shape: predictions.shape)
        var total = 0.0
        var contributing = 0
        func visit(_ first: Int, _ second: Int) throws {
            for index in [first, second] where index < 0 || index >= count {
                throw NeuralNetworkError.indexOutOfRange(
                    operation: "PairwiseRankingHingeLoss", index: index, count: count)
            }
            let (yFirst, ySecond) = (targets.scalars[first], targets.scalars[second])
            guard yFirst != ySecond else { return }
            let (better, worse) = yFirst > ySecond ? (first, second) : (second, first)
            contributing += 1
            let slack = margin - (predictions.scalars[better] - predictions.scalars[worse])
            if slack > 0 {
                total += Double(slack)
                gradient.scalars[better] -= 1
                gradient.scalars[worse] += 1
            }
        }
        if let pairs {
            for (first, second) in pairs {
                try visit(first, second)
            }
        } else {
            for first in 0..<count {
                for second in (first + 1)..<max(first + 1, count) {
                    try visit(first, second)
                }
            }
        }
        let scale: Float = reduction == .mean && contributing > 0 ? 1 / Float(contributing) : 1
        for index in gradient.scalars.indices {
            gradient.scalars[index] *= scale
        }
        return LossValue(value: Float(total) * scale, gradient: gradient)
    }
}
