import NASCore

/// One layer's integer code `(TY, KW, KH, CH)` (Deng et al. 2017, §3.1; ALGORITHMS.md §3).
///
/// Types 1–7 are the paper's table. Types 8–12 extend it for what the paper's networks do not
/// contain (docs/predictors.md, "Peephole"): fully connected layers, global average pooling, and
/// the identity / zero / merge tokens of cell networks. Kernel codes are 1…5 (one table serves
/// width and height); the channel code is one of 8 bins of the output/input channel ratio.
public struct UnifiedLayerCode: Hashable, Sendable, Codable {
    /// The layer type `TY`.
    public enum LayerType: Int, Hashable, Sendable, Codable, CaseIterable {
        /// 1: convolution.
        case convolution = 1
        /// 2: max pooling.
        case maxPool = 2
        /// 3: average pooling.
        case averagePool = 3
        /// 4: ReLU.
        case relu = 4
        /// 5: sigmoid.
        case sigmoid = 5
        /// 6: tanh.
        case tanh = 6
        /// 7: batch normalization.
        case batchNorm = 7
        /// 8 (extension): a fully connected layer; `CH` is its units over the input's channels.
        case fullyConnected = 8
        /// 9 (extension): global average pooling.
        case globalAveragePool = 9
        /// 10 (extension): an identity edge of a cell (NAS-Bench-201 `skip_connect`).
        case identity = 10
        /// 11 (extension): a zero edge of a cell (NAS-Bench-201 `none`).
        case zero = 11
        /// 12 (extension): a cell vertex that sums its inputs; `KW = KH` is the in-degree (≤ 5).
        case merge = 12
    }

    /// The centres of the 8 channel-ratio bins (§3: out/in ratio in [0.25, 3]).
    public static let channelRatioCentres: [Double] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0]
    /// The bin of ratio 1 (every layer that keeps its channels).
    public static let unitChannelBin = 3
    /// The largest kernel code; larger kernels are coded as this.
    public static let largestKernel = 5

    /// `TY`.
    public var type: LayerType
    /// `KW`, in 1…5.
    public var kernelWidth: Int
    /// `KH`, in 1…5.
    public var kernelHeight: Int
    /// The channel-ratio bin, 0…7 (`channelRatioCentres`).
    public var channelBin: Int

    /// Creates a code, clamping the kernel into 1…5 and the bin into 0…7.
    public init(type: LayerType, kernelWidth: Int = 1, kernelHeight: Int = 1, channelBin: Int = unitChannelBin) {
        self.type = type
        self.kernelWidth = min(max(kernelWidth, 1), Self.largestKernel)
        self.kernelHeight = min(max(kernelHeight, 1), Self.largestKernel)
        self.channelBin = min(max(channelBin, 0), Self.channelRatioCentres.count - 1)
    }

    /// The bin whose centre is nearest to `ratio` after clamping it to [0.25, 3]; the lower bin on a tie.
    public static func channelBin(ofRatio ratio: Double) -> Int {
        let clamped = min(max(ratio.isFinite ? ratio : 1, 0.25), 3)
        var best = 0
        for (index, centre) in channelRatioCentres.enumerated()
        where abs(centre - clamped) < abs(channelRatioCentres[best] - clamped) {
            best = index
        }
        return best
    }

    /// A square-kernel code.
    static func square(_ type: LayerType, kernel: Int, channelBin: Int = unitChannelBin) -> UnifiedLayerCode {
        UnifiedLayerCode(type: type, kernelWidth: kernel, kernelHeight: kernel, channelBin: channelBin)
    }
}
