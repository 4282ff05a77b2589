/// The transition probabilities of the block-generating Markov chain: one row per current layer
/// kind (in `BlockLayerKind.allCases` order), one column per next kind plus a last column for
/// ending the block.
///
/// Peephole's Table 1 lost its numbers in every available copy of the paper; the default is our
/// choice, following the paper's description ("a convolution layer has a high chance to be
/// followed by a batch normalization layer and a nonlinear activation. An activation layer is
/// more likely to be ensued by another convolution layer or a pooling layer") and never
/// stacking two activations or two pools:
///
/// | now \ next | Conv | MP | AP | ReLU | Sigm | Tanh | end |
/// |---|---|---|---|---|---|---|---|
/// | Conv | 0.05 | 0.05 | 0.02 | 0.55 | 0.10 | 0.13 | 0.10 |
/// | MP   | 0.65 | 0    | 0    | 0.05 | 0    | 0    | 0.30 |
/// | AP   | 0.65 | 0    | 0    | 0.05 | 0    | 0    | 0.30 |
/// | ReLU | 0.55 | 0.15 | 0.05 | 0    | 0    | 0    | 0.25 |
/// | Sigm | 0.55 | 0.15 | 0.05 | 0    | 0    | 0    | 0.25 |
/// | Tanh | 0.55 | 0.15 | 0.05 | 0    | 0    | 0    | 0.25 |
public struct BlockTransitionMatrix: Hashable, Sendable {
    /// The rows: `rows[now.rawValue][next.rawValue]`, and `rows[now.rawValue][6]` for ending.
    public let rows: [[Double]]

    /// The column index of "end the block".
    public static let endColumn = BlockLayerKind.allCases.count

    /// Creates a matrix, checking that it is 6 × 7 and that every row is a distribution.
    ///
    /// - Throws: `SpaceConfigurationError` naming the first bad row.
    public init(rows: [[Double]]) throws(SpaceConfigurationError) {
        let kinds = BlockLayerKind.allCases.count
        guard rows.count == kinds else {
            throw SpaceConfigurationError(
                space: "block", parameter: "transitions", problem: .wrongCount(count: rows.count, expected: kinds))
        }
        for (index, row) in rows.enumerated() {
            guard row.count == kinds + 1 else {
                throw SpaceConfigurationError(
                    space: "block", parameter: "transitions[\(index)]",
                    problem: .wrongCount(count: row.count, expected: kinds + 1))
            }
            for value in row where !(0...1).contains(value) {
                throw SpaceConfigurationError(
                    space: "block", parameter: "transitions[\(index)]", problem: .outOfRange(value: value, range: 0...1)
                )
            }
            let sum = row.reduce(0, +)
            guard abs(sum - 1) <= 1e-9 else {
                throw SpaceConfigurationError(
                    space: "block", parameter: "transitions[\(index)]", problem: .notADistribution(row: index, sum: sum)
                )
            }
        }
        self.rows = rows
    }

    private init(validatedRows: [[Double]]) {
        self.rows = validatedRows
    }

    /// Our default (see the type's documentation).
    public static let `default` = BlockTransitionMatrix(validatedRows: [
        [0.05, 0.05, 0.02, 0.55, 0.10, 0.13, 0.10],
        [0.65, 0.00, 0.00, 0.05, 0.00, 0.00, 0.30],
        [0.65, 0.00, 0.00, 0.05, 0.00, 0.00, 0.30],
        [0.55, 0.15, 0.05, 0.00, 0.00, 0.00, 0.25],
        [0.55, 0.15, 0.05, 0.00, 0.00, 0.00, 0.25],
        [0.55, 0.15, 0.05, 0.00, 0.00, 0.00, 0.25],
    ])

    /// The probability that `next` follows `now` (`nil` for ending the block).
    public func probability(from now: BlockLayerKind, to next: BlockLayerKind?) -> Double {
        rows[now.rawValue][next?.rawValue ?? Self.endColumn]
    }
}
