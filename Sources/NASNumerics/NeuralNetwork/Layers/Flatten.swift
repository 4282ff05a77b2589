/// Flattens `[batch, d1, d2, …]` to `[batch, d1·d2·…]` (between convolutions and linear layers).
public final class Flatten: Layer {
    private var lastShape: [Int]?

    /// Creates the layer.
    public init() {}

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        guard input.rank >= 1 else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Flatten.forward", expected: [-1, -1], actual: input.shape)
        }
        lastShape = input.shape
        return try input.reshaped(to: [input.shape[0], input.shape.dropFirst().reduce(1, *)])
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let shape = lastShape else { throw NeuralNetworkError.backwardWithoutForward(layer: "Flatten") }
        return try outputGradient.reshaped(to: shape)
    }
}
