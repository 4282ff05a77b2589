/// The states of the Markov chain that draws a block's layers (Deng et al. 2017, "Peephole",
/// §4.1 and Table 1): batch normalisation is not a state; it is inserted after a convolution
/// with a fixed probability.
public enum BlockLayerKind: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A convolution.
    case convolution
    /// A max pooling layer.
    case maxPool
    /// An average pooling layer.
    case avgPool
    /// ReLU.
    case relu
    /// Sigmoid.
    case sigmoid
    /// Tanh.
    case tanh

    /// The short name used in the paper's table: Conv, MP, AP, ReLU, Sigm, Tanh.
    public var description: String {
        switch self {
        case .convolution: return "Conv"
        case .maxPool: return "MP"
        case .avgPool: return "AP"
        case .relu: return "ReLU"
        case .sigmoid: return "Sigm"
        case .tanh: return "Tanh"
        }
    }
}
