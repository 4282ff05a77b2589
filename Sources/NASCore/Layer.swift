/// One layer of a sequential network, in the vocabulary of MetaQNN (Baker et al. 2017) and
/// Peephole (Deng et al. 2017).
///
/// The bracket notation of each case is given in its documentation; `Architecture` parses and
/// prints it with an exact round trip.
public enum Layer: Hashable, Sendable {
    /// `C(filters,kernel,stride)`: a convolution with 'same' padding.
    case convolution(filters: Int, kernel: Int, stride: Int)
    /// `P(kernel,stride)`: max pooling without padding.
    case maxPool(kernel: Int, stride: Int)
    /// `AP(kernel,stride)`: average pooling without padding.
    case avgPool(kernel: Int, stride: Int)
    /// `FC(units)`: a fully connected layer; flattens a spatial input.
    case fullyConnected(units: Int)
    /// `GAP`: plain global average pooling to `[C,1,1]`.
    case globalAveragePool
    /// `GAP(classes)`: MetaQNN's classifier head — a 1×1 convolution to `classes` channels, ReLU,
    /// then global average pooling.
    case classifierHead(classes: Int)
    /// `SM(classes)`: the softmax classifier (a linear layer to `classes` outputs, then softmax).
    case softmax(classes: Int)
    /// `BN`: batch normalisation.
    case batchNorm
    /// `RELU`.
    case relu
    /// `SIGMOID`.
    case sigmoid
    /// `TANH`.
    case tanh
    /// `D(index,count)`: the `index`-th of `count` dropout layers; rate `0.5·index/count` as in
    /// MetaQNN's original code.
    case dropout(index: Int, count: Int)
}

/// A sequential network: an ordered list of layers ending in a classifier.
///
/// Written and read in bracket notation (`notation`, `init(notation:)`) and as JSON
/// (`Codable`); `analyze(input:)` infers shapes and counts parameters and MACs, and rejects
/// networks that cannot be built. docs/architecture-model.md describes all of it.
public struct Architecture: Hashable, Sendable {
    /// The layers, input first.
    public var layers: [Layer]

    /// Creates an architecture from its layers, unchecked; see `validate(input:)`.
    public init(layers: [Layer]) {
        self.layers = layers
    }
}

/// The shape of a tensor without its batch dimension: `[C,H,W]`, or `[N,1,1]` once flattened.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    /// The number of channels (feature maps), `C`.
    public var channels: Int
    /// The spatial height, `H`.
    public var height: Int
    /// The spatial width, `W`.
    public var width: Int

    /// Creates a shape `[channels,height,width]`.
    ///
    /// - Parameters:
    ///   - channels: The number of channels `C`.
    ///   - height: The spatial height `H`.
    ///   - width: The spatial width `W`.
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// CIFAR-sized input, the default everywhere: `[3,32,32]`.
    public static let cifar = TensorShape(channels: 3, height: 32, width: 32)

    /// `[C,H,W]`, as `TensorShape(notation:)` reads it.
    public var description: String { "[\(channels),\(height),\(width)]" }
}
