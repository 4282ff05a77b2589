import NASCore

/// The value sets of MetaQNN's space (Baker et al. 2017, Table 3, with the original code's rules;
/// see ALGORITHMS.md §1). Defaults are the paper's CIFAR-10 values with the table's depth limit.
public struct MetaQNNSpaceOptions: Hashable, Sendable {
    /// `filters`: convolution widths d. Default [64, 128, 256, 512].
    public var filters: [Int]
    /// `kernels`: convolution receptive fields f. Default [1, 3, 5].
    public var kernels: [Int]
    /// `strides`: convolution strides l. Default [1].
    public var strides: [Int]
    /// `pools`: pooling (kernel, stride) pairs, written `[f, l]`. Default [[5,3], [3,2], [2,2]].
    public var pools: [PoolShape]
    /// `fc_sizes`: fully connected widths. Default [512, 256, 128].
    public var fullyConnectedSizes: [Int]
    /// `max_depth`: the most layers before termination. Default 12 (18 for CIFAR-10 in 002).
    public var maxDepth: Int
    /// `max_consecutive_fc`: default 2.
    public var maxConsecutiveFullyConnected: Int
    /// `size_bins`: representation-size bin edges, decreasing: default [8, 4, 1] for the bins
    /// (∞,8], (8,4], (4,1].
    public var sizeBins: [Int]
    /// `input`: `[C, H, W]`. Default [3, 32, 32].
    public var input: TensorShape
    /// `classes`: outputs of the softmax. Default 10.
    public var classes: Int

    /// Creates the options; every argument defaults to the paper's value.
    public init(
        filters: [Int] = [64, 128, 256, 512], kernels: [Int] = [1, 3, 5], strides: [Int] = [1],
        pools: [PoolShape] = [
            PoolShape(kernel: 5, stride: 3), PoolShape(kernel: 3, stride: 2),
            PoolShape(kernel: 2, stride: 2),
        ],
        fullyConnectedSizes: [Int] = [512, 256, 128], maxDepth: Int = 12, maxConsecutiveFullyConnected: Int = 2,
        sizeBins: [Int] = [8, 4, 1], input: TensorShape = .cifar, classes: Int = 10
    ) {
        self.filters = filters
        self.kernels = kernels
        self.strides = strides
        self.pools = pools
        self.fullyConnectedSizes = fullyConnectedSizes
        self.maxDepth = maxDepth
        self.maxConsecutiveFullyConnected = maxConsecutiveFullyConnected
        self.sizeBins = sizeBins
        self.input = input
        self.classes = classes
    }

    static let keys = [
        "filters", "kernels", "strides", "pools", "fc_sizes", "max_depth", "max_consecutive_fc", "size_bins",
        "input", "classes",
    ]

    init(map: MapDecoder) throws(ConfigError) {
        let defaults = MetaQNNSpaceOptions()
        filters = try map.integers("filters", default: defaults.filters, .atLeast(1))
        kernels = try map.integers("kernels", default: defaults.kernels, .atLeast(1))
        strides = try map.integers("strides", default: defaults.strides, .atLeast(1))
        if let poolsNode = map.optional("pools") {
            let path = map.path("pools")
            var pools: [PoolShape] = []
            for (offset, item) in try map.decoder.list(poolsNode, path, of: "[kernel, stride] pairs").enumerated() {
                pools.append(try PoolShape(node: item, path: "\(path)[\(offset)]", decoder: map.decoder))
            }
            self.pools = pools
        } else {
            pools = defaults.pools
        }
        fullyConnectedSizes = try map.integers("fc_sizes", default: defaults.fullyConnectedSizes, .atLeast(1))
        maxDepth = try map.integer("max_depth", default: defaults.maxDepth, .atLeast(1))
        maxConsecutiveFullyConnected = try map.integer(
            "max_consecutive_fc", default: defaults.maxConsecutiveFullyConnected, .atLeast(0))
        sizeBins = try map.integers("size_bins", default: defaults.sizeBins, .atLeast(1))
        if let binsNode = map.optional("size_bins"), zip(sizeBins, sizeBins.dropFirst()).contains(where: { $0 <= $1 }) {
            throw map.decoder.error(binsNode, map.path("size_bins"), expected: "a decreasing list of integers ≥ 1")
        }
        input = try map.optionalShape("input") ?? defaults.input
        classes = try map.integer("classes", default: defaults.classes, .atLeast(2))
    }
}

/// A pooling layer's (kernel, stride), written `[f, l]`.
public struct PoolShape: Hashable, Sendable {
    /// The pooling window f.
    public var kernel: Int
    /// The stride l.
    public var stride: Int

    /// Creates a pool shape.
    public init(kernel: Int, stride: Int) {
        self.kernel = kernel
        self.stride = stride
    }

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        guard case .list(let items) = node.value, items.count == 2 else {
            throw decoder.error(node, path, expected: "a [kernel, stride] pair of integers ≥ 1")
        }
        kernel = try decoder.integer(items[0], "\(path)[0]", .atLeast(1))
        stride = try decoder.integer(items[1], "\(path)[1]", .atLeast(1))
    }
}
