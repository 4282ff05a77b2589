/// Layers applied one after another; parameters are named `"<index>.<name>"`, as in PyTorch's
/// `nn.Sequential`.
public final class Sequential: Layer {
    /// The layers, in the order they are applied.
    public let layers: [any Layer]

    /// Creates a stack of layers.
    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { index, layer in prefixedParameters("\(index)", layer) }
    }

    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        try layers.reduce(input) { try $1.forward($0, context: context) }
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try layers.reversed().reduce(outputGradient) { try $1.backward($0) }
    }
}
