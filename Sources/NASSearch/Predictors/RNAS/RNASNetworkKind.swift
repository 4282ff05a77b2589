import NASCore

/// The kind of network an RNAS model ranks: each has its own feature tensor
/// (`RNASFeatureTensor`), so a model trained on one kind cannot judge another.
public enum RNASNetworkKind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// NAS-Bench-101 cells (`space: {kind: cell}`, the curves file's `cell` rows): 19×7×7 tensors.
    case cell
    /// NAS-Bench-201 cells (`space: {kind: nb201}`, `nb201_ops` rows): 31×4×4 tensors.
    case nb201
    /// Sequential networks (`metaqnn` and `blocks` spaces, `arch` rows): 3×34×34 tensors.
    case sequential

    /// The kind of `network`.
    public init(_ network: Network) {
        switch network {
        case .cell: self = .cell
        case .nb201: self = .nb201
        case .sequential: self = .sequential
        }
    }

    /// The shape of this kind's feature tensors (`RNASFeatureTensor.encode` with its defaults).
    public var tensorShape: [Int] {
        switch self {
        case .cell: return [19, RNASFeatureTensor.nasBench101Side, RNASFeatureTensor.nasBench101Side]
        case .nb201: return [31, NASBench201Cell.nodeCount, NASBench201Cell.nodeCount]
        case .sequential:
            let side = RNASFeatureTensor.sequentialMaxLayers + 2
            return [3, side, side]
        }
    }

    public var description: String {
        switch self {
        case .cell: return "NAS-Bench-101 cells"
        case .nb201: return "NAS-Bench-201 cells"
        case .sequential: return "sequential networks"
        }
    }
}
