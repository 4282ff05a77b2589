/// The rectifier `max(0, x)`, element-wise; its gradient is taken as 0 at 0, as PyTorch does.
public final class ReLU: Layer {
    private var lastOutput: Tensor?

    /// Creates the layer.
    public init() {}

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        var output = input
        for index in output.scalars.indices where !(output.scalars[index] > 0) {
            output.scalars[index] = 0
        }
        lastOutput = output
        return output
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let output = lastOutput else { throw NeuralNetworkError.backwardWithoutForward(layer: "ReLU") }
        guard outputGradient.shape == output.shape else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "ReLU.backward", expected: output.shape, actual: outputGradient.shape)
        }
        var inputGradient = outputGradient
        for index in inputGradient.scalars.indices where !(output.scalars[index] > 0) {
            inputGradient.scalars[index] = 0
        }
        return inputGradient
    }
}
