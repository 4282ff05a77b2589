/// Shapes, parameters and MACs of a whole network for one input shape.
///
/// Produced by `Architecture.analyze(input:)`; the totals are sums over the layers and match
/// PyTorch's counts (`sum(p.numel() for p in model.parameters())` and the multiply-accumulates of
/// the convolution and linear layers). FLOPs in this project mean these MACs.
public struct ArchitectureAnalysis: Hashable, Sendable {
    /// The input shape the analysis was made for.
    public var input: TensorShape
    /// One record per layer, input first.
    public var layers: [LayerAnalysis]
    /// Total trainable parameters.
    public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }
    /// Total multiply-accumulates of one forward pass of one example.
    public var macs: Int { layers.reduce(0) { $0 + $1.macs } }

    /// Creates an analysis from its per-layer records.
    ///
    /// - Parameters:
    ///   - input: The input shape.
    ///   - layers: One record per layer, input first.
    public init(input: TensorShape, layers: [LayerAnalysis]) {
        self.input = input
        self.layers = layers
    }

    /// The shape the network produces: the last layer's output, or the input for no layers.
    public var output: TensorShape { layers.last?.output ?? input }
}
