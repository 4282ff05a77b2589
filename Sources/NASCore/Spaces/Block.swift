/// A block of Peephole's block-based generation (Deng et al. 2017, §4.1): a short layer
/// sequence whose convolutions are sized relative to the block's input channels, so that the
/// same block can be stacked at every stage of the skeleton.
public struct Block: Hashable, Sendable {
    /// One layer of a block.
    public enum Element: Hashable, Sendable {
        /// A convolution with 'same' padding and stride 1; its filters are
        /// `round(inputChannels × channelRatio)` (at least 1).
        case convolution(kernel: Int, channelRatio: Double)
        /// Batch normalisation (inserted after a convolution).
        case batchNorm
        /// Max pooling with stride 1 (keeps the spatial size).
        case maxPool(kernel: Int)
        /// Average pooling with stride 1 (keeps the spatial size).
        case avgPool(kernel: Int)
        /// ReLU.
        case relu
        /// Sigmoid.
        case sigmoid
        /// Tanh.
        case tanh
    }

    /// The layers, first to last; the first is a convolution in every sampled block.
    public var elements: [Element]

    /// Creates a block from its layers.
    public init(elements: [Element]) {
        self.elements = elements
    }

    /// The number of convolutions.
    public var convolutionCount: Int {
        elements.filter { if case .convolution = $0 { return true } else { return false } }.count
    }

    /// The filters of a convolution with `ratio` applied to `inputChannels` channels.
    public static func filters(inputChannels: Int, channelRatio ratio: Double) -> Int {
        // Round half up without libm (NASCore links no math library): the product is positive.
        max(1, Int(Double(inputChannels) * ratio + 0.5))
    }

    /// The block's layers for an input with `inputChannels` channels, and its output channels.
    public func layers(inputChannels: Int) -> (layers: [Layer], outputChannels: Int) {
        var channels = inputChannels
        var layers: [Layer] = []
        layers.reserveCapacity(elements.count)
        for element in elements {
            switch element {
            case .convolution(let kernel, let ratio):
                channels = Self.filters(inputChannels: channels, channelRatio: ratio)
                layers.append(.convolution(filters: channels, kernel: kernel, stride: 1))
            case .batchNorm: layers.append(.batchNorm)
            case .maxPool(let kernel): layers.append(.maxPool(kernel: kernel, stride: 1))
            case .avgPool(let kernel): layers.append(.avgPool(kernel: kernel, stride: 1))
            case .relu: layers.append(.relu)
            case .sigmoid: layers.append(.sigmoid)
            case .tanh: layers.append(.tanh)
            }
        }
        return (layers, channels)
    }
}
