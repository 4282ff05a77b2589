/// The `early_stopping:` section: stop a trial whose predicted final accuracy is very likely
/// below the best so far (Baker et al. 2018; ALGORITHMS.md §2).
///
/// The stop rule is `Φ(y_ref − δ; ŷ_T, σ) ≥ Δ`, with `y_ref` the n-th best final accuracy, Δ the
/// `confidence` and δ the `margin`.
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
    /// `training.epochs` (at least 1); must be below `training.epochs`.
    public var minEpochs: Int
    /// `warm_start`: a curves file (JSON lines, docs/curves-format.md) whose complete curves join
    /// the training set before the run's own and count toward the burn-in; relative to the
    /// configuration file's directory. Read when the run starts, not here (this module reads no
    /// files).
    public var warmStart: String?

    /// The largest `compare_to_nth`: the daemon keeps the 16 best final accuracies of a run.
    public static let maximumCompareToNth = 16

    /// Creates the section.
    public init(
        kind: Kind = .srm, margin: Double = 0, confidence: Double = 0.99, burnIn: Int = 100,
        compareToNth: Int = 1, minEpochs: Int = 1, warmStart: String? = nil
    ) {
        self.kind = kind
        self.margin = margin
        self.confidence = confidence
        self.burnIn = burnIn
        self.compareToNth = compareToNth
        self.minEpochs = minEpochs
        self.warmStart = warmStart
    }

    static let keys = ["kind", "margin", "confidence", "burn_in", "compare_to_nth", "min_epochs", "warm_start"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder, trainingEpochs: Int) throws(ConfigError) {
        if case .map(let entries) = node.value, let renamed = entries.first(where: { $0.key == "delta" }) {
            // Earlier builds called δ `delta`; next to the paper's Δ (`confidence`) that name reads as
            // Δ, so it is refused rather than silently taken as either.
            throw decoder.error(
                at: renamed.keyPosition, keyPath(path, "delta"), "'delta' has been renamed",
                hint: "use 'margin' for δ, the margin below the reference (Δ, the probability, is 'confidence')")
        }
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        kind = Kind(rawValue: try map.kind(among: Kind.allCases.map(\.rawValue))) ?? .srm
        margin = try map.number("margin", default: 0, .within(0...1))
        confidence = try map.number("confidence", default: 0.99, .aboveAndAtMost(0, 1))
        burnIn = try map.integer("burn_in", default: 100, .atLeast(1))
        compareToNth = try map.integer("compare_to_nth", default: 1, .within(1...Self.maximumCompareToNth))
        guard trainingEpochs >= 2 else {
            throw decoder.error(at: node.position, path, "early stopping needs training.epochs ≥ 2")
        }
        minEpochs = try map.integer(
            "min_epochs", default: max(1, trainingEpochs / 4), .within(1...(trainingEpochs - 1)))
        if let value = map.optional("warm_start") {
            warmStart = try decoder.string(value, map.path("warm_start"))
        } else {
            warmStart = nil
        }
    }
}
