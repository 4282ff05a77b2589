/// The label of a vertex of a NAS-Bench-101 cell (Ying et al. 2019).
///
/// The raw values are NAS-Bench-101's operation names; `nasBench101Label` is the integer label
/// its graph generator and hash use (and `nb101_data-1k.json` stores): −1 input, −2 output,
/// 0 conv3×3, 1 conv1×1, 2 max-pool3×3, the order of `available_ops`. That mapping is verified
/// against the recorded parameter counts (see `docs/search-spaces.md`).
public enum CellOperation: String, Hashable, Sendable, CaseIterable {
    /// The cell's input vertex (always first).
    case input
    /// The cell's output vertex (always last): concatenates its inputs.
    case output
    /// 3×3 convolution, batch normalisation, ReLU.
    case conv3x3 = "conv3x3-bn-relu"
    /// 1×1 convolution, batch normalisation, ReLU.
    case conv1x1 = "conv1x1-bn-relu"
    /// 3×3 max pooling, stride 1.
    case maxPool3x3 = "maxpool3x3"

    /// The operations an interior vertex can carry, in NAS-Bench-101's label order.
    public static let interiorOperations: [CellOperation] = [.conv3x3, .conv1x1, .maxPool3x3]

    /// NAS-Bench-101's integer label.
    public var nasBench101Label: Int {
        switch self {
        case .input: return -1
        case .output: return -2
        case .conv3x3: return 0
        case .conv1x1: return 1
        case .maxPool3x3: return 2
        }
    }

    /// The operation with NAS-Bench-101 label `label`, or `nil` for an unknown label (including
    /// −3, the padding of `nb101_data-1k.json`).
    public init?(nasBench101Label label: Int) {
        guard let operation = Self.allCases.first(where: { $0.nasBench101Label == label }) else { return nil }
        self = operation
    }
}
