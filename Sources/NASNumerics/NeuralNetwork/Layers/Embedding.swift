/// A lookup table of learned vectors (`nn.Embedding`), initialised from `N(0, 1)` as in PyTorch.
public final class Embedding: ParameterContainer {
    /// The table, `[count, dimension]`.
    public let weight: Parameter
    private var lastIndices: [Int]?

    /// The number of entries.
    public var count: Int { weight.value.shape[0] }
    /// The length of each vector.
    public var dimension: Int { weight.value.shape[1] }

    /// Creates a table of `count` vectors of length `dimension`.
    public init(count: Int, dimension: Int, using generator: inout some RandomNumberGenerator) {
        weight = Parameter(WeightInitialization.normal(shape: [count, dimension], using: &generator))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [(name: "weight", parameter: weight)] }

    /// Looks up `indices`, returning `[indices.count, dimension]`.
    ///
    /// - Throws: `NeuralNetworkError.indexOutOfRange` for an index outside the table.
    public func forward(_ indices: [Int]) throws -> Tensor {
        let width = dimension
        var output = Tensor(shape: [indices.count, width])
        for (row, index) in indices.enumerated() {
            guard index >= 0, index < count else {
                throw NeuralNetworkError.indexOutOfRange(operation: "Embedding.forward", index: index, count: count)
            }
            for j in 0..<width {
                output.scalars[row * width + j] = weight.value.scalars[index * width + j]
            }
        }
        lastIndices = indices
        return output
    }

    /// Adds `outputGradient` (`[indices.count, dimension]`) into the rows of the table that the last
    /// forward looked up, in the order of the look-ups.
    public func backward(_ outputGradient: Tensor) throws {
        guard let indices = lastIndices else { throw NeuralNetworkError.backwardWithoutForward(layer: "Embedding") }
        try accumulateGradient(outputGradient, for: indices)
    }

    /// Adds `outputGradient` (`[indices.count, dimension]`) into the rows `indices`, in order.
    ///
    /// For a table used by several look-ups in one pass (Peephole's kernel table serves both the
    /// kernel width and the kernel height), call this once per look-up with that look-up's indices.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` or `.indexOutOfRange`.
    public func accumulateGradient(_ outputGradient: Tensor, for indices: [Int]) throws {
        let width = dimension
        guard outputGradient.shape == [indices.count, width] else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Embedding.backward", expected: [indices.count, width], actual: outputGradient.shape)
        }
        for (row, index) in indices.enumerated() {
            guard index >= 0, index < count else {
                throw NeuralNetworkError.indexOutOfRange(operation: "Embedding.backward", index: index, count: count)
            }
            for j in 0..<width {
                weight.gradient.scalars[index * width + j] += outputGradient.scalars[row * width + j]
            }
        }
    }
}
