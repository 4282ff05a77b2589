/// The operation on one edge of a NAS-Bench-201 cell (Dong & Yang 2020, §2.1), named as the
/// benchmark's own strings name it.
public enum NASBench201Operation: String, Hashable, Sendable, CaseIterable, Codable {
    /// The zero operation: the edge carries nothing.
    case none
    /// The identity.
    case skipConnect = "skip_connect"
    /// ReLU, 1×1 convolution, batch normalisation.
    case convolution1x1 = "nor_conv_1x1"
    /// ReLU, 3×3 convolution, batch normalisation.
    case convolution3x3 = "nor_conv_3x3"
    /// 3×3 average pooling.
    case averagePool3x3 = "avg_pool_3x3"
}
