/// Per-layer result of shape inference.
public struct LayerAnalysis: Hashable, Sendable {
    /// The layer's 0-based position in the architecture.
    public var index: Int
    /// The layer itself.
    public var layer: Layer
    /// The shape the layer receives.
    public var input: TensorShape
    /// The shape the layer produces; `[N,1,1]` once the representation is flattened.
    public var output: TensorShape
    /// Trainable parameters of this layer (weights + bias; BN 2 per channel).
    public var parameters: Int
    /// Multiply-accumulates of this layer (convolution and FC layers, the classifier's linear
    /// layer and the 1×1 convolution of a `GAP(n)` head; 0 for the others).
    public var macs: Int

    /// Creates a per-layer analysis record.
    ///
    /// - Parameters:
    ///   - index: The layer's 0-based position.
    ///   - layer: The layer.
    ///   - input: The shape the layer receives.
    ///   - output: The shape the layer produces.
    ///   - parameters: Trainable parameters of the layer.
    ///   - macs: Multiply-accumulates of the layer.
    public init(index: Int, layer: Layer, input: TensorShape, output: TensorShape, parameters: Int, macs: Int) {
        self.index = index
        self.layer = layer
        self.input = input
        self.output = output
        self.parameters = parameters
        self.macs = macs
    }
}
