/// The `prior:` section: a predictor consulted before dispatch that vetoes candidates predicted
/// to be poor (Peephole, ALGORITHMS.md §3; RNAS, §4).
public struct PriorConfiguration: Hashable, Sendable {
    /// The predictor.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Peephole: accuracy from the architecture alone.
        case peephole
        /// RNAS: a ranking predictor over the cell/layer tensor encoding.
        case rnas
    }

    /// `kind` (required): `peephole` or `rnas`.
    public var kind: Kind
    /// `veto_below` (required): a candidate whose prediction is below this, in [0, 1], is not
    /// trained (Peephole: predicted accuracy; RNAS: the quantile of its predicted rank among the
    /// trained networks).
    public var vetoBelow: Double
    /// `train_after`: trained networks needed before the predictor is fitted and the gate starts.
    /// Default 100.
    public var trainAfter: Int
    /// `reward_vetoed`: whether a vetoed candidate's prediction is a reward a learning strategy
    /// (MetaQNN) learns from. Default false: a veto teaches nothing and does not count toward
    /// MetaQNN's ε schedule.
    public var rewardVetoed: Bool

    /// Creates the section.
    public init(kind: Kind, vetoBelow: Double, trainAfter: Int = 100, rewardVetoed: Bool = false) {
        self.kind = kind
        self.vetoBelow = vetoBelow
        self.trainAfter = trainAfter
        self.rewardVetoed = rewardVetoed
    }

    static let keys = ["kind", "veto_below", "train_after", "reward_vetoed"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        kind = Kind(rawValue: try map.kind(among: Kind.allCases.map(\.rawValue))) ?? .peephole
        vetoBelow = try decoder.number(try map.required("veto_below"), map.path("veto_below"), .within(0...1))
        trainAfter = try map.integer("train_after", default: 100, .atLeast(1))
        if let node = map.optional("reward_vetoed") {
            rewardVetoed = try decoder.bool(node, map.path("reward_vetoed"))
        } else {
            rewardVetoed = false
        }
    }
}
