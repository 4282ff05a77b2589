/// The `early_stopping:` section: stop a trial whose predicted final accuracy is very likely
/// below the best so far (Baker et al. 2018; ALGORITHMS.md §2).
///
/// The stop rule is `Φ(y_ref − δ; ŷ_T, σ) ≥ Δ`, with `y_ref` the n-th best final accuracy, Δ the
/// `confidence` and δ the `margin`. With `strategy: {kind: hyperband}` the section makes the run
/// f-Hyperband (appendix C of the paper): `y_ref` is the ⌈κ·n_{i+1}⌉-th best result of the trial's
/// rung (`kappa`), and the models for each budget r are fit once `min_curves` configurations were
/// trained to r; `burn_in`, `compare_to_nth` and `warm_start` then have no meaning and are refused,
/// as `kappa` and `min_curves` are without Hyperband.
public struct EarlyStoppingConfiguration: Hashable, Sendable {
    /// The predictor behind the rule.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Sequential regression models (one ν-SVR per prefix length).
        case srm
    }

    /// `kind` (required): `srm`.
    public var kind: Kind
    /// `margin`: δ, the margin below the reference within which a trial is let finish. Default 0.
    public var margin: Double
    /// `confidence`: Δ, the probability required to stop. Default 0.99.
    public var confidence: Double
    /// `burn_in`: complete curves (the warm-start file's included) before any trial is stopped.
    /// Default 100.
    public var burnIn: Int
    /// `compare_to_nth`: compare with the n-th best instead of the best. Default 1, at most
    /// `maximumCompareToNth`.
    public var compareToNth: Int
    /// `min_epochs`: the earliest epoch at which a trial may be stopped. Default a quarter of
    /// `training.epochs` (at least 1), 1 in f-Hyperband; must be below `training.epochs`.
    public var minEpochs: Int
    /// `warm_start`: a curves file (JSON lines, docs/curves-format.md) whose complete curves join
    /// the training set before the run's own and count toward the burn-in; relative to the
    /// configuration file's directory. Read when the run starts, not here (this module reads no
    /// files).
    public var warmStart: String?
    /// `kappa` (f-Hyperband only): κ in (0, 1], the share of a rung's n_{i+1} kept configurations
    /// that must be trained to the rung's budget with high probability. Default 1.
    public var kappa: Double
    /// `min_curves` (f-Hyperband only): d, the configurations trained to a budget r before the
    /// models that predict y_r are fit. Default 100 (the paper's).
    public var minCurves: Int

    /// The default `kappa`.
    public static let defaultKappa = 1.0
    /// The default `min_curves`.
    public static let defaultMinCurves = 100

    /// The largest `compare_to_nth`: the daemon keeps the 16 best final accuracies of a run.
    public static let maximumCompareToNth = 16

    /// Creates the section.
    public init(
        kind: Kind = .srm, margin: Double = 0, confidence: Double = 0.99, burnIn: Int = 100,
        compareToNth: Int = 1, minEpochs: Int = 1, warmStart: String? = nil, kappa: Double = Self.defaultKappa,
        minCurves: Int = Self.defaultMinCurves
    ) {
        self.kind = kind
        self.margin = margin
        self.confidence = confidence
        self.burnIn = burnIn
        self.compareToNth = compareToNth
        self.minEpochs = minEpochs
        self.warmStart = warmStart
        self.kappa = kappa
        self.minCurves = minCurves
    }

    static let keys = [
        "kind", "margin", "confidence", "burn_in", "compare_to_nth", "min_epochs", "warm_start", "kappa", "min_curves",
    ]

    /// Keys that only f-Hyperband reads.
    static let hyperbandKeys = ["kappa", "min_curves"]

    /// Keys f-Hyperband does not read, with what to use instead.
    static let keysWithoutMeaningInHyperband = [
        "burn_in": "f-Hyperband fits the models for each budget r once min_curves configurations were trained to r",
        "compare_to_nth": "f-Hyperband compares with the rung's ⌈kappa·n⌉-th best result; set kappa",
        "warm_start": "warm-start curves are not used by f-Hyperband in this build; remove it",
    ]

    /// Decodes the section.
    ///
    /// - Parameter isHyperband: whether the run's strategy is Hyperband (then this is f-Hyperband).
    init(node: YAMLNode, path: String, decoder: ValueDecoder, trainingEpochs: Int, isHyperband: Bool)
        throws(ConfigError)
    {
        if case .map(let entries) = node.value, let renamed = entries.first(where: { $0.key == "delta" }) {
            // Earlier builds called δ `delta`; next to the paper's Δ (`confidence`) that name reads as
            // Δ, so it is refused rather than silently taken as either.
            throw decoder.error(
                at: renamed.keyPosition, keyPath(path, "delta"), "'delta' has been renamed",
                hint: "use 'margin' for δ, the margin below the reference (Δ, the probability, is 'confidence')")
        }
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        if case .map(let entries) = node.value {
            for entry in entries {
                if !isHyperband && Self.hyperbandKeys.contains(entry.key) {
                    throw decoder.error(
                        at: entry.keyPosition, keyPath(path, entry.key),
                        "'\(entry.key)' is an f-Hyperband setting and the strategy is not hyperband",
                        hint: "it applies only with strategy: {kind: hyperband}; remove it")
                }
                if isHyperband, let hint = Self.keysWithoutMeaningInHyperband[entry.key] {
                    throw decoder.error(
                        at: entry.keyPosition, keyPath(path, entry.key),
                        "'\(entry.key)' has no meaning with strategy: {kind: hyperband} (f-Hyperband)", hint: hint)
                }
            }
        }
        kind = Kind(rawValue: try map.kind(among: Kind.allCases.map(\.rawValue))) ?? .srm
        margin = try map.number("margin", default: 0, .within(0...1))
        confidence = try map.number("confidence", default: 0.99, .aboveAndAtMost(0, 1))
        burnIn = try map.integer("burn_in", default: 100, .atLeast(1))
        compareToNth = try map.integer("compare_to_nth", default: 1, .within(1...Self.maximumCompareToNth))
        guard trainingEpochs >= 2 else {
            throw decoder.error(at: node.position, path, "early stopping needs training.epochs ≥ 2")
        }
        minEpochs = try map.integer(
            "min_epochs", default: isHyperband ? 1 : max(1, trainingEpochs / 4), .within(1...(trainingEpochs - 1)))
        kappa = try map.number("kappa", default: Self.defaultKappa, .aboveAndAtMost(0, 1))
        minCurves = try map.integer("min_curves", default: Self.defaultMinCurves, .atLeast(2))
        if let value = map.optional("warm_start") {
            warmStart = try decoder.string(value, map.path("warm_start"))
        } else {
            warmStart = nil
        }
    }
}
