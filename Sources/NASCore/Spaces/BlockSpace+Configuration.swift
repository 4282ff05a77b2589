extension BlockSpace {
    /// The parameters of block-based generation. Defaults follow Peephole (Deng et al. 2017,
    /// §4.1 and Appendix) where it gives numbers, and are our choices (marked) where it does not.
    public struct Configuration: Hashable, Sendable {
        /// The input shape; CIFAR-sized `[3,32,32]` by default.
        public var input: TensorShape = .cifar
        /// Number of classes of the final linear classifier `SM(n)`.
        public var classes: Int = 10
        /// The Markov chain over layer kinds.
        public var transitions: BlockTransitionMatrix = .default
        /// Probability of a batch normalisation right after a convolution (paper: 0.6).
        public var batchNormProbability: Double = 0.6
        /// At most this many layers in a block, batch normalisation included (paper: fewer than 11).
        public var maxBlockLayers: Int = 10
        /// At most this many convolutions in a block (paper: fewer than 4).
        public var maxBlockConvolutions: Int = 3
        /// Convolution kernel sizes, drawn uniformly (paper: 1…5).
        public var kernelSizes: [Int] = [1, 2, 3, 4, 5]
        /// Output/input channel ratios of a convolution, drawn uniformly (paper's eight values).
        public var channelRatios: [Double] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0]
        /// Kernel sizes of the stride-1 pools inside a block, drawn uniformly (Peephole's Unified
        /// Layer Code allows 2…5); sizes larger than the smallest stage resolution are left out.
        public var poolKernelSizes: [Int] = [2, 3, 4, 5]
        /// The input channels of the blocks of each stage; a 1×1 convolution adapts the channels
        /// before a block copy whenever they differ. Our choice: ResNet-for-CIFAR widths.
        public var stageChannels: [Int] = [16, 32, 64]
        /// How many copies of the block each stage stacks, drawn uniformly once per network (our
        /// choice: 2, fixed, so that networks differ in their block design).
        public var copiesPerStage: ClosedRange<Int> = 2...2
        /// The max pooling `P(f,l)` that ends every stage (our choice: 2×2, stride 2).
        public var stagePooling: MetaQNNSpace.Pooling = .init(kernel: 2, stride: 2)
        /// Parameter and MAC limits; a network over either is never proposed by `sample`.
        public var constraints: ArchitectureConstraints = .unlimited
        /// How many networks `sample` draws under `constraints` before it gives up.
        public var maxSamplingAttempts: Int = 1000

        /// Creates the CIFAR-10 configuration; change fields to taste.
        public init() {}

        /// The spatial sizes (the shorter side) the blocks of each stage see, first stage first,
        /// and the size after the last stage's pooling.
        public var stageResolutions: [Int] {
            var sizes = [min(input.height, input.width)]
            for _ in stageChannels {
                let size = sizes[sizes.count - 1]
                sizes.append(size < stagePooling.kernel ? 0 : (size - stagePooling.kernel) / stagePooling.stride + 1)
            }
            return sizes
        }

        /// Checks every parameter.
        ///
        /// - Throws: `SpaceConfigurationError` naming the first bad parameter.
        public func validate() throws(SpaceConfigurationError) {
            func minimum(_ name: String, _ value: Int, _ least: Int = 1) throws(SpaceConfigurationError) {
                guard value >= least else {
                    throw SpaceConfigurationError(
                        space: "block", parameter: name, problem: .belowMinimum(value: value, minimum: least))
                }
            }
            func nonEmpty(_ name: String, _ count: Int) throws(SpaceConfigurationError) {
                guard count > 0 else { throw SpaceConfigurationError(space: "block", parameter: name, problem: .empty) }
            }
            try minimum("input.channels", input.channels)
            try minimum("input.height", input.height)
            try minimum("input.width", input.width)
            try minimum("classes", classes)
            guard (0...1).contains(batchNormProbability) else {
                throw SpaceConfigurationError(
                    space: "block", parameter: "batchNormProbability",
                    problem: .outOfRange(value: batchNormProbability, range: 0...1))
            }
            try minimum("maxBlockLayers", maxBlockLayers)
            try minimum("maxBlockConvolutions", maxBlockConvolutions)
            try nonEmpty("kernelSizes", kernelSizes.count)
            for kernel in kernelSizes { try minimum("kernelSizes", kernel) }
            try nonEmpty("channelRatios", channelRatios.count)
            for ratio in channelRatios where !(ratio > 0 && ratio.isFinite) {
                throw SpaceConfigurationError(
                    space: "block", parameter: "channelRatios", problem: .outOfRange(value: ratio, range: 0...1e6))
            }
            for kernel in poolKernelSizes { try minimum("poolKernelSizes", kernel) }
            try nonEmpty("stageChannels", stageChannels.count)
            for channels in stageChannels { try minimum("stageChannels", channels) }
            try minimum("copiesPerStage", copiesPerStage.lowerBound)
            try minimum("stagePooling.kernel", stagePooling.kernel)
            try minimum("stagePooling.stride", stagePooling.stride)
            // Every stage's pooling must fit its input: the last resolution must stay positive.
            try minimum("input (side too small for the stage poolings)", stageResolutions[stageChannels.count])
            try minimum("maxSamplingAttempts", maxSamplingAttempts)
        }
    }
}
