import NASCore

/// The `space:` section: which family of networks to search, its value sets, and limits on
/// parameters and FLOPs.
public struct SearchSpaceConfiguration: Hashable, Sendable {
    /// The family and its value sets.
    public enum Kind: Hashable, Sendable {
        /// `kind: metaqnn`: MetaQNN's layer-by-layer space (Baker et al. 2017).
        case metaQNN(MetaQNNSpaceOptions)
        /// `kind: blocks`: Peephole's block-based generation (Deng et al. 2017).
        case blocks(BlockSpaceOptions)
        /// `kind: cell`: NAS-Bench-101-style cells.
        case cell(CellSpaceOptions)
        /// `kind: nb201`: NAS-Bench-201 cells (Dong & Yang 2020).
        case nb201(NASBench201SpaceOptions)
    }

    /// The words `kind:` accepts.
    public static let kindNames = ["metaqnn", "blocks", "cell", "nb201"]

    /// The family and its value sets.
    public var kind: Kind
    /// Networks over these limits are never proposed.
    public var limits: ResourceLimits

    /// Creates a space section.
    public init(kind: Kind, limits: ResourceLimits = ResourceLimits()) {
        self.kind = kind
        self.limits = limits
    }

    /// The `kind:` word: `metaqnn`, `blocks`, `cell` or `nb201`.
    public var kindName: String {
        switch kind {
        case .metaQNN: return "metaqnn"
        case .blocks: return "blocks"
        case .cell: return "cell"
        case .nb201: return "nb201"
        }
    }

    /// The input shape `[C,H,W]` the space is built for.
    public var input: TensorShape {
        switch kind {
        case .metaQNN(let options): return options.input
        case .blocks(let options): return options.input
        case .cell(let options): return options.input
        case .nb201(let options): return options.input
        }
    }

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let kindKeys: [String]
        switch try decoder.sectionKind(node, path, among: Self.kindNames) {
        case "metaqnn": kindKeys = MetaQNNSpaceOptions.keys
        case "blocks": kindKeys = BlockSpaceOptions.keys
        case "nb201": kindKeys = NASBench201SpaceOptions.keys
        default: kindKeys = CellSpaceOptions.keys
        }
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: ["kind", "limits"] + kindKeys)
        switch try map.kind(among: Self.kindNames) {
        case "metaqnn": kind = .metaQNN(try MetaQNNSpaceOptions(map: map))
        case "blocks": kind = .blocks(try BlockSpaceOptions(map: map))
        case "nb201": kind = .nb201(try NASBench201SpaceOptions(map: map))
        default: kind = .cell(try CellSpaceOptions(map: map))
        }
        if let limitsNode = map.optional("limits") {
            limits = try ResourceLimits(node: limitsNode, path: map.path("limits"), decoder: decoder)
        } else {
            limits = ResourceLimits()
        }
    }
}

/// `space.limits`: the largest network a search may propose.
public struct ResourceLimits: Hashable, Sendable {
    /// `max_params`: the most trainable parameters; nil for no limit.
    public var maxParameters: Int?
    /// `max_flops`: the most multiply-accumulates; nil for no limit.
    public var maxFLOPs: Int?

    /// Creates limits; nil means unlimited.
    public init(maxParameters: Int? = nil, maxFLOPs: Int? = nil) {
        self.maxParameters = maxParameters
        self.maxFLOPs = maxFLOPs
    }

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: ["max_params", "max_flops"])
        maxParameters = try map.optionalInteger("max_params", .atLeast(1))
        maxFLOPs = try map.optionalInteger("max_flops", .atLeast(1))
    }
}
