extension MetaQNNSpace {
    /// A pooling choice `P(f,l)`: receptive field and stride, drawn together as in the original
    /// code's `possible_pool_sizes`.
    public struct Pooling: Hashable, Sendable {
        /// The receptive field f.
        public var kernel: Int
        /// The stride l.
        public var stride: Int

        /// Creates a pooling choice `P(kernel,stride)`.
        public init(kernel: Int, stride: Int) {
            self.kernel = kernel
            self.stride = stride
        }
    }

    /// Every value set of the MetaQNN space (Baker et al. 2017, Table 1; the original code's
    /// `state_space_parameters.py`). The defaults are the CIFAR-10 experiment's.
    public struct Configuration: Hashable, Sendable {
        /// Input channels (3 for CIFAR-10 and SVHN, 1 for MNIST); used for parameter counts.
        public var inputChannels: Int = 3
        /// Input side length: the starting representation size (32 for CIFAR-10 and SVHN, 28 for
        /// MNIST).
        public var inputSize: Int = 32
        /// Number of classes, printed in `GAP(n)` and `SM(n)`.
        public var classes: Int = 10
        /// The layer limit: at most this many layers before the softmax (18 for CIFAR-10, 12 for
        /// SVHN and MNIST in the original experiments).
        public var maxDepth: Int = 18
        /// Filters d of a convolution.
        public var filterCounts: [Int] = [64, 128, 256, 512]
        /// Receptive fields f of a convolution.
        public var kernelSizes: [Int] = [1, 3, 5]
        /// Strides of a convolution (MetaQNN used 1 only; 'same' padding, so stride 1 keeps the
        /// size and stride l divides it, rounding up).
        public var convolutionStrides: [Int] = [1]
        /// Pooling (f,l) pairs.
        public var poolings: [Pooling] = [
            Pooling(kernel: 5, stride: 3), Pooling(kernel: 3, stride: 2), Pooling(kernel: 2, stride: 2),
        ]
        /// Units d of an FC layer.
        public var fullyConnectedSizes: [Int] = [512, 256, 128]
        /// At most this many FC layers in a row (the original's `max_fc`).
        public var maxConsecutiveFullyConnected: Int = 2
        /// Representation-size bins: a size r falls into the largest bin b ≤ r (the smallest bin
        /// when none is). The default `[8, 4, 1]` is the original's `image_size_bucket`:
        /// (∞,8] → 8, (8,4] → 4, (4,1] → 1.
        public var representationSizeBins: [Int] = [8, 4, 1]
        /// A convolution, a pool or the start may be followed by an FC layer only when the
        /// current size's bin is at most this (the original's `allow_fully_connected`: ≤ 4,
        /// i.e. a size below 8).
        public var maxBinForFullyConnected: Int = 4
        /// Whether pooling may be the first layer (the original: no).
        public var allowsInitialPooling: Bool = false
        /// Whether a pool may follow a pool (the original: no).
        public var allowsConsecutivePooling: Bool = false
        /// Whether the `GAP(n)` classifier head is offered (the original: yes).
        public var allowsClassifierHead: Bool = true
        /// Parameter and MAC limits; a network over either is never proposed by `sample`.
        public var constraints: ArchitectureConstraints = .unlimited
        /// How many networks `sample` draws under `constraints` before it gives up.
        public var maxSamplingAttempts: Int = 1000

        /// The CIFAR-10 experiment: input 32, 10 classes, up to 18 layers.
        public static let cifar10 = Configuration()

        /// The SVHN experiment: input 32, 10 classes, up to 12 layers.
        public static let svhn: Configuration = {
            var configuration = Configuration()
            configuration.maxDepth = 12
            return configuration
        }()

        /// The MNIST experiment: one 28×28 channel, 10 classes, up to 12 layers.
        public static let mnist: Configuration = {
            var configuration = Configuration()
            configuration.inputChannels = 1
            configuration.inputSize = 28
            configuration.maxDepth = 12
            return configuration
        }()

        /// Creates the CIFAR-10 configuration; change fields to taste.
        public init() {}

        /// The input shape `[inputChannels, inputSize, inputSize]`.
        public var inputShape: TensorShape {
            TensorShape(channels: inputChannels, height: inputSize, width: inputSize)
        }

        /// Checks that every number is positive and that the value sets every network needs (filters,
        /// kernels, strides, bins) are non-empty; poolings and FC sizes may be empty.
        ///
        /// - Throws: `SpaceConfigurationError` naming the first bad parameter.
        public func validate() throws(SpaceConfigurationError) {
            func positive(_ name: String, _ value: Int, minimum: Int = 1) throws(SpaceConfigurationError) {
                guard value >= minimum else {
                    throw SpaceConfigurationError(
                        space: "metaqnn", parameter: name, problem: .belowMinimum(value: value, minimum: minimum))
                }
            }
            func values(_ name: String, _ list: [Int], allowsEmpty: Bool = false) throws(SpaceConfigurationError) {
                guard allowsEmpty || !list.isEmpty else {
                    throw SpaceConfigurationError(space: "metaqnn", parameter: name, problem: .empty)
                }
                for value in list { try positive(name, value) }
            }
            try positive("inputChannels", inputChannels)
            try positive("inputSize", inputSize)
            try positive("classes", classes)
            try positive("maxDepth", maxDepth, minimum: 0)
            try values("filterCounts", filterCounts)
            try values("kernelSizes", kernelSizes)
            try values("convolutionStrides", convolutionStrides)
            try values("fullyConnectedSizes", fullyConnectedSizes, allowsEmpty: true)
            try values("representationSizeBins", representationSizeBins)
            try values("poolings.kernel", poolings.map(\.kernel), allowsEmpty: true)
            try values("poolings.stride", poolings.map(\.stride), allowsEmpty: true)
            try positive("maxConsecutiveFullyConnected", maxConsecutiveFullyConnected, minimum: 0)
            try positive("maxSamplingAttempts", maxSamplingAttempts)
        }
    }
}
