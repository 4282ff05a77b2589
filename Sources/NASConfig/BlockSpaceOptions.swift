import NASCore

/// The value sets of Peephole's block-based generation (Deng et al. 2017; ALGORITHMS.md §3).
public struct BlockSpaceOptions: Hashable, Sendable {
    /// `transition`: the Markov chain over the next layer type given the current one, written as
    /// a map of maps (`{conv: {relu: 0.6, maxpool: 0.2, ...}, ...}`); each row is normalised to
    /// sum to 1, missing entries are 0. nil: the space's built-in matrix.
    public var transition: [BlockLayerType: [BlockLayerType: Double]]?
    /// `bn_probability`: chance of batch norm right after a convolution. Default 0.6.
    public var batchNormProbability: Double
    /// `max_block_layers`: default 10.
    public var maxBlockLayers: Int
    /// `max_block_convolutions`: default 3 ("fewer than 4").
    public var maxBlockConvolutions: Int
    /// `kernels`: convolution kernel sizes. Default [1, 2, 3, 4, 5].
    public var kernels: [Int]
    /// `channel_ratios`: out/in channel ratios. Default [0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3].
    public var channelRatios: [Double]
    /// `stages`: default 3; at most `maximumStages` (stage `s` has `16 × 2^s` channels).
    public var stages: Int
    /// `max_block_copies`: the most copies of the block per stage. Default 3.
    public var maxBlockCopies: Int
    /// `input`: `[C, H, W]`. Default [3, 32, 32].
    public var input: TensorShape
    /// `classes`: default 10.
    public var classes: Int

    /// Creates the options; every argument defaults to the paper's value.
    public init(
        transition: [BlockLayerType: [BlockLayerType: Double]]? = nil, batchNormProbability: Double = 0.6,
        maxBlockLayers: Int = 10, maxBlockConvolutions: Int = 3, kernels: [Int] = [1, 2, 3, 4, 5],
        channelRatios: [Double] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0], stages: Int = 3,
        maxBlockCopies: Int = 3, input: TensorShape = .cifar, classes: Int = 10
    ) {
        self.transition = transition
        self.batchNormProbability = batchNormProbability
        self.maxBlockLayers = maxBlockLayers
        self.maxBlockConvolutions = maxBlockConvolutions
        self.kernels = kernels
        self.channelRatios = channelRatios
        self.stages = stages
        self.maxBlockCopies = maxBlockCopies
        self.input = input
        self.classes = classes
    }

    /// The most stages a block space may have: the channel count doubles with each stage, and
    /// `16 × 2^31` channels is already far past anything trainable.
    public static let maximumStages = 32

    static let keys = [
        "transition", "bn_probability", "max_block_layers", "max_block_convolutions", "kernels", "channel_ratios",
        "stages", "max_block_copies", "input", "classes",
    ]

    init(map: MapDecoder) throws(ConfigError) {
        let defaults = BlockSpaceOptions()
        if let node = map.optional("transition") {
            transition = try Self.transition(node: node, path: map.path("transition"), decoder: map.decoder)
        } else {
            transition = nil
        }
        batchNormProbability = try map.number("bn_probability", default: defaults.batchNormProbability, .within(0...1))
        maxBlockLayers = try map.integer("max_block_layers", default: defaults.maxBlockLayers, .atLeast(1))
        maxBlockConvolutions = try map.integer(
            "max_block_convolutions", default: defaults.maxBlockConvolutions, .atLeast(1))
        kernels = try map.integers("kernels", default: defaults.kernels, .atLeast(1))
        channelRatios = try map.numbers("channel_ratios", default: defaults.channelRatios, .positive)
        stages = try map.integer("stages", default: defaults.stages, .within(1...BlockSpaceOptions.maximumStages))
        maxBlockCopies = try map.integer("max_block_copies", default: defaults.maxBlockCopies, .atLeast(1))
        input = try map.optionalShape("input") ?? defaults.input
        classes = try map.integer("classes", default: defaults.classes, .atLeast(2))
    }

    private static func transition(node: YAMLNode, path: String, decoder: ValueDecoder)
        throws(ConfigError) -> [BlockLayerType: [BlockLayerType: Double]]
    {
        let names = BlockLayerType.allCases.map(\.rawValue)
        let rows = try MapDecoder(node, path: path, decoder: decoder, allowed: names)
        var matrix: [BlockLayerType: [BlockLayerType: Double]] = [:]
        for rowEntry in rows.entries {
            guard let from = BlockLayerType(rawValue: rowEntry.key) else { continue }
            let rowPath = keyPath(path, rowEntry.key)
            let row = try MapDecoder(rowEntry.value, path: rowPath, decoder: decoder, allowed: names)
            var weights: [BlockLayerType: Double] = [:]
            for entry in row.entries {
                guard let to = BlockLayerType(rawValue: entry.key) else { continue }
                weights[to] = try decoder.number(entry.value, keyPath(rowPath, entry.key), .atLeast(0))
            }
            let total = weights.values.reduce(0, +)
            guard total > 0 else {
                throw decoder.error(at: rowEntry.value.position, rowPath, "a transition row needs a weight > 0")
            }
            matrix[from] = weights.mapValues { $0 / total }
        }
        return matrix
    }
}

/// The layer types of Peephole's block Markov chain.
public enum BlockLayerType: String, Hashable, Sendable, CaseIterable {
    /// A convolution.
    case conv
    /// Max pooling.
    case maxpool
    /// Average pooling.
    case avgpool
    /// ReLU.
    case relu
    /// Sigmoid.
    case sigmoid
    /// Tanh.
    case tanh
}
