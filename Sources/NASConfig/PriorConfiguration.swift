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

    /// When a candidate is vetoed: exactly one of the two keys.
    public enum VetoRule: Hashable, Sendable {
        /// `veto_quantile: q`: predicted below the q-quantile of the predictions of the networks
        /// the model was trained on (the run's trained networks), q in [0, 1].
        case quantile(Double)
        /// `veto_below: a`: predicted accuracy below `a`, in [0, 1]. Peephole only: RNAS ranks,
        /// its scores are not accuracies (a located error).
        case below(Double)
    }

    /// `kind` (required): `peephole` or `rnas`.
    public var kind: Kind
    /// `veto_quantile` or `veto_below` (exactly one is required; `veto_quantile` with `kind: rnas`,
    /// where it compares ranking scores).
    public var vetoRule: VetoRule
    /// `train_after`: trained networks needed before the predictor is fitted and the gate starts.
    /// Default 100.
    public var trainAfter: Int
    /// `retrain_every`: trained networks between one fit and the next. Default 50.
    public var retrainEvery: Int
    /// `reward_vetoed`: whether a vetoed candidate's prediction is a reward a learning strategy
    /// (MetaQNN) learns from. Default false: a veto teaches nothing and does not count toward
    /// MetaQNN's ε schedule.
    public var rewardVetoed: Bool
    /// `audit_fraction`: the fraction of would-be vetoes trained anyway, so the run measures its
    /// own false-veto rate, in [0, 1]. Default 0.05.
    public var auditFraction: Double
    /// `model`: a trained model file (`nasd predict train --out`) that judges candidates before
    /// the run has fitted its own, as written (relative paths are the daemon's to resolve): a
    /// Peephole model (`nasd.peephole`) with `kind: peephole`, an RNAS model (`nasd.rnas`) with
    /// `kind: rnas`; the daemon reads and checks it.
    public var model: String?

    /// Creates the section.
    public init(
        kind: Kind, vetoRule: VetoRule, trainAfter: Int = 100, retrainEvery: Int = 50, rewardVetoed: Bool = false,
        auditFraction: Double = 0.05, model: String? = nil
    ) {
        self.kind = kind
        self.vetoRule = vetoRule
        self.trainAfter = trainAfter
        self.retrainEvery = retrainEvery
        self.rewardVetoed = rewardVetoed
        self.auditFraction = auditFraction
        self.model = model
    }

    static let keys = [
        "kind", "veto_quantile", "veto_below", "train_after", "retrain_every", "reward_vetoed", "audit_fraction",
        "model",
    ]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        kind = Kind(rawValue: try map.kind(among: Kind.allCases.map(\.rawValue))) ?? .peephole
        let quantile = try map.optionalNumber("veto_quantile", .within(0...1))
        let below = try map.optionalNumber("veto_below", .within(0...1))
        switch (quantile, below) {
        case (let q?, nil): vetoRule = .quantile(q)
        case (nil, let a?):
            guard kind != .rnas else {
                throw decoder.error(
                    at: map.keyPosition("veto_below") ?? node.position, map.path("veto_below"),
                    "the RNAS prior ranks networks: its scores are not accuracies, so there is no accuracy to veto below",
                    hint:
                        "use veto_quantile: q (veto a candidate scored below the q-quantile of the trained networks' scores)"
                )
            }
            vetoRule = .below(a)
        case (.some, .some):
            let position = map.keyPosition("veto_below") ?? node.position
            throw decoder.error(
                at: position, map.path("veto_below"), "give only one of veto_quantile and veto_below",
                hint: "veto_quantile compares with the trained networks' predictions; veto_below is an accuracy")
        case (nil, nil):
            throw decoder.error(
                at: node.position, path, "missing required key 'veto_quantile' or 'veto_below'",
                hint: "e.g. veto_quantile: 0.25 (veto below the lower quartile of trained networks' predictions)")
        }
        trainAfter = try map.integer("train_after", default: 100, .atLeast(1))
        retrainEvery = try map.integer("retrain_every", default: 50, .atLeast(1))
        if let node = map.optional("reward_vetoed") {
            rewardVetoed = try decoder.bool(node, map.path("reward_vetoed"))
            if rewardVetoed && kind == .rnas {
                throw decoder.error(
                    at: node.position, map.path("reward_vetoed"),
                    "the RNAS prior's prediction is a ranking score, not an accuracy a strategy can learn from",
                    hint: "leave reward_vetoed false with kind: rnas")
            }
        } else {
            rewardVetoed = false
        }
        auditFraction = try map.number("audit_fraction", default: 0.05, .within(0...1))
        model = try map.optional("model").map { node throws(ConfigError) in
            try decoder.string(node, map.path("model"))
        }
    }
}
