/// Peephole's block-based generation (Deng et al. 2017, §4.1): networks built by stacking copies
/// of one block drawn from a Markov chain over layer kinds.
///
/// A block starts with a convolution (kernel and output/input channel ratio drawn uniformly);
/// each next layer kind is drawn from the transition matrix given the current one, until the
/// chain ends the block or a limit is reached (a kind that would break a limit is removed and
/// the row renormalised); a batch normalisation follows a convolution with probability
/// `batchNormProbability`. The skeleton has one stage per `stageChannels` entry, each a stack
/// of block copies followed by max pooling, then global average pooling and the linear
/// classifier `SM(n)`; a 1×1 convolution is inserted before a block copy whenever the channels
/// reaching it differ from the stage's channels.
public struct BlockSpace: Sendable {
    /// The parameters.
    public let configuration: Configuration

    /// Creates a space, checking its configuration.
    ///
    /// - Throws: `SpaceConfigurationError` naming the first bad parameter.
    public init(configuration: Configuration = Configuration()) throws(SpaceConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Pool kernels that fit every stage: at most the smallest resolution a block sees.
    public var admissiblePoolKernels: [Int] {
        let resolutions = configuration.stageResolutions.dropLast()
        let smallest = resolutions.min() ?? 0
        return configuration.poolKernelSizes.filter { $0 <= smallest }
    }

    /// Draws one block from the Markov chain.
    public func sampleBlock(using generator: inout some RandomNumberGenerator) -> Block {
        let c = configuration
        let poolKernels = admissiblePoolKernels
        var elements: [Block.Element] = []
        var convolutions = 0
        var current = BlockLayerKind.convolution

        func appendConvolution(into elements: inout [Block.Element], using generator: inout some RandomNumberGenerator)
        {
            let kernel = c.kernelSizes[Int.random(in: 0..<c.kernelSizes.count, using: &generator)]
            let ratio = c.channelRatios[Int.random(in: 0..<c.channelRatios.count, using: &generator)]
            elements.append(.convolution(kernel: kernel, channelRatio: ratio))
            if elements.count < c.maxBlockLayers && Double.random(in: 0..<1, using: &generator) < c.batchNormProbability
            {
                elements.append(.batchNorm)
            }
        }

        appendConvolution(into: &elements, using: &generator)
        convolutions = 1
        while elements.count < c.maxBlockLayers {
            var weights = c.transitions.rows[current.rawValue]
            if convolutions >= c.maxBlockConvolutions { weights[BlockLayerKind.convolution.rawValue] = 0 }
            if poolKernels.isEmpty {
                weights[BlockLayerKind.maxPool.rawValue] = 0
                weights[BlockLayerKind.avgPool.rawValue] = 0
            }
            let total = weights.reduce(0, +)
            guard total > 0 else { break }
            var draw = Double.random(in: 0..<total, using: &generator)
            var column = weights.count - 1
            for (index, weight) in weights.enumerated() where weight > 0 {
                if draw < weight {
                    column = index
                    break
                }
                draw -= weight
            }
            guard let next = BlockLayerKind(rawValue: column) else { break }  // the end column
            current = next
            switch next {
            case .convolution:
                appendConvolution(into: &elements, using: &generator)
                convolutions += 1
            case .maxPool:
                elements.append(.maxPool(kernel: poolKernels[Int.random(in: 0..<poolKernels.count, using: &generator)]))
            case .avgPool:
                elements.append(.avgPool(kernel: poolKernels[Int.random(in: 0..<poolKernels.count, using: &generator)]))
            case .relu: elements.append(.relu)
            case .sigmoid: elements.append(.sigmoid)
            case .tanh: elements.append(.tanh)
            }
        }
        return Block(elements: elements)
    }

    /// The network the skeleton builds from `block` with `copiesPerStage` copies in every stage.
    public func architecture(for block: Block, copiesPerStage: Int) -> Architecture {
        let c = configuration
        var layers: [Layer] = []
        var channels = c.input.channels
        for stageChannels in c.stageChannels {
            for _ in 0..<max(1, copiesPerStage) {
                if channels != stageChannels {
                    layers.append(.convolution(filters: stageChannels, kernel: 1, stride: 1))
                }
                let copy = block.layers(inputChannels: stageChannels)
                layers += copy.layers
                channels = copy.outputChannels
            }
            layers.append(.maxPool(kernel: c.stagePooling.kernel, stride: c.stagePooling.stride))
        }
        layers += [.globalAveragePool, .softmax(classes: c.classes)]
        return Architecture(layers: layers)
    }

    /// A random network: a block from the chain, a copy count from `copiesPerStage`, assembled
    /// by the skeleton, within the configured constraints.
    ///
    /// - Throws: `SpaceSamplingError.noArchitectureWithinConstraints` when none of
    ///   `maxSamplingAttempts` networks fits the limits.
    public func sample(using generator: inout some RandomNumberGenerator) throws(SpaceSamplingError) -> Architecture {
        try ConstrainedSampling.sample(
            space: "block",
            input: configuration.input,
            constraints: configuration.constraints,
            maxAttempts: configuration.maxSamplingAttempts
        ) {
            let block = sampleBlock(using: &generator)
            let copies = Int.random(in: configuration.copiesPerStage, using: &generator)
            return architecture(for: block, copiesPerStage: copies)
        }
    }
}
