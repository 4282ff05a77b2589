/// A fully connected layer, `y = x·Wᵀ + b`, with PyTorch's `nn.Linear` layout and initialisation.
public final class Linear: Layer {
    /// The weight, `[outputSize, inputSize]`.
    public let weight: Parameter
    /// The bias, `[outputSize]`, or nil for a layer without one.
    public let bias: Parameter?
    private var lastInput: Tensor?
    private var lastParallelism = Parallelism.serial

    /// The number of input features.
    public var inputSize: Int { weight.value.shape[1] }
    /// The number of output features.
    public var outputSize: Int { weight.value.shape[0] }

    /// Creates a layer with PyTorch's default initialisation: weight and bias from
    /// `U(-1/√inputSize, 1/√inputSize)`.
    public init(
        inputSize: Int, outputSize: Int, hasBias: Bool = true, using generator: inout some RandomNumberGenerator
    ) {
        let bound = WeightInitialization.defaultBound(fanIn: inputSize)
        weight = Parameter(
            WeightInitialization.uniform(shape: [outputSize, inputSize], bound: bound, using: &generator))
        bias =
            hasBias
            ? Parameter(WeightInitialization.uniform(shape: [outputSize], bound: bound, using: &generator)) : nil
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight)] + (bias.map { [(name: "bias", parameter: $0)] } ?? [])
    }

    /// Maps `[batch, inputSize]` to `[batch, outputSize]`.
    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        guard input.rank == 2, input.shape[1] == inputSize else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Linear.forward", expected: [-1, inputSize], actual: input.shape)
        }
        let batch = input.shape[0]
        var output = Tensor(shape: [batch, outputSize])
        MatrixMultiply.multiply(
            m: batch, n: outputSize, k: inputSize, input.scalars, weight.value.scalars, transposeB: true,
            into: &output.scalars, parallelism: context.parallelism)
        if let bias {
            let width = outputSize
            output.scalars.withUnsafeMutableBufferPointer { out in
                for row in 0..<batch {
                    for j in 0..<width {
                        out[row * width + j] += bias.value.scalars[j]
                    }
                }
            }
        }
        lastInput = input
        lastParallelism = context.parallelism
        return output
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let input = lastInput else { throw NeuralNetworkError.backwardWithoutForward(layer: "Linear") }
        let batch = input.shape[0]
        guard outputGradient.shape == [batch, outputSize] else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Linear.backward", expected: [batch, outputSize], actual: outputGradient.shape)
        }
        MatrixMultiply.multiply(
            m: outputSize, n: inputSize, k: batch, outputGradient.scalars, transposeA: true, input.scalars,
            into: &weight.gradient.scalars, accumulate: true, parallelism: lastParallelism)
        if let bias {
            sumRows(outputGradient.scalars, rows: batch, width: outputSize, into: &bias.gradient.scalars)
        }
        var inputGradient = Tensor(shape: input.shape)
        MatrixMultiply.multiply(
            m: batch, n: inputSize, k: outputSize, outputGradient.scalars, weight.value.scalars,
            into: &inputGradient.scalars, parallelism: lastParallelism)
        return inputGradient
    }
}

/// Adds the column sums of a row-major `rows × width` matrix into `sums`, rows in increasing order.
func sumRows(_ matrix: [Float], rows: Int, width: Int, into sums: inout [Float]) {
    matrix.withUnsafeBufferPointer { matrix in
        sums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<rows {
                for j in 0..<width {
                    sums[j] += matrix[row * width + j]
                }
            }
        }
    }
}
