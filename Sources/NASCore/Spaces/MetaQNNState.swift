/// One state of the MetaQNN Markov decision process: the layer just chosen (Baker et al. 2017,
/// §3 and Table 1).
///
/// The fields follow the `State` of the original code (`bowenbaker/metaqnn`,
/// `libs/grammar/state_enumerator.py`) and the columns of its `q_values.csv`:
/// `layer_type, layer_depth, filter_depth, filter_size, stride, image_size, fc_size, terminate`.
/// Two deliberate differences make the state self-describing: the number of consecutive
/// fully connected layers has its own field (the original stored `index − 1` in `filter_depth`),
/// and the start state has `filterDepth` 0 (the original used 1).
///
/// `imageSize` holds the real representation size along a trajectory. The Q-table of the
/// original code is keyed by the *bucketed* state, where `imageSize` is replaced by its
/// representation-size bin: see `MetaQNNSpace.bucketed(_:)`.
public struct MetaQNNState: Hashable, Sendable, CustomStringConvertible {
    /// The kind of layer a state adds.
    public enum LayerType: String, Hashable, Sendable, CaseIterable {
        /// The empty network before the first layer.
        case start
        /// `C(d,f,l)`.
        case convolution = "conv"
        /// `P(f,l)`, max pooling.
        case pooling = "pool"
        /// `FC(d)`.
        case fullyConnected = "fc"
        /// `GAP(n)`, MetaQNN's classifier head (1×1 convolution to n channels, ReLU, global
        /// average pooling); it leads only to the softmax.
        case globalAveragePooling = "gap"
    }

    /// The kind of layer; for a terminal state, the kind of the layer before the softmax.
    public var layerType: LayerType
    /// The number of layers so far, this one included (0 at the start; the softmax counts one
    /// more, as in the original code).
    public var layerDepth: Int
    /// Filters of a convolution; 0 otherwise.
    public var filterDepth: Int
    /// Receptive field of a convolution or a pool; 0 otherwise.
    public var filterSize: Int
    /// Stride of a convolution or a pool; 0 otherwise.
    public var stride: Int
    /// The representation size after this layer (spatial side length); 1 after `GAP`, 0 after
    /// an FC layer (the original's conventions).
    public var imageSize: Int
    /// Units of an FC layer; 0 otherwise.
    public var fcSize: Int
    /// How many FC layers end here in a row (1 for the first FC); 0 for other layers.
    public var consecutiveFullyConnected: Int
    /// Whether this is the termination state: the softmax follows and the trajectory ends.
    public var isTerminal: Bool

    /// Creates a state from all its fields.
    public init(
        layerType: LayerType,
        layerDepth: Int,
        filterDepth: Int = 0,
        filterSize: Int = 0,
        stride: Int = 0,
        imageSize: Int,
        fcSize: Int = 0,
        consecutiveFullyConnected: Int = 0,
        isTerminal: Bool = false
    ) {
        self.layerType = layerType
        self.layerDepth = layerDepth
        self.filterDepth = filterDepth
        self.filterSize = filterSize
        self.stride = stride
        self.imageSize = imageSize
        self.fcSize = fcSize
        self.consecutiveFullyConnected = consecutiveFullyConnected
        self.isTerminal = isTerminal
    }

    /// The fields in the order of the original `State.as_tuple()`, for logs and debugging.
    public var description: String {
        "(\(layerType.rawValue), \(layerDepth), \(filterDepth), \(filterSize), \(stride), \(imageSize), "
            + "\(fcSize), fc#\(consecutiveFullyConnected), \(isTerminal ? 1 : 0))"
    }
}
