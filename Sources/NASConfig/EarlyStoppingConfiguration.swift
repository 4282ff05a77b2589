/// The `early_stopping:` section: stop a trial whose predicted final accuracy is very likely
/// below the best so far (Baker et al. 2018; ALGORITHMS.md §2).
///
/// The stop rule is `Φ(y_best − δ; ŷ_T, σ) ≥ Δ`, with `y_best` the n-th best final accuracy.
public struct EarlyStoppingConfiguration: Hashable, Sendable {
    /// The predictor behind the rule.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Sequential regression models (one ν-SVR per prefix length).
        case srm
    }

    /// `kind` (required): `srm`.
    public var kind: Kind
    /// `delta`: δ, the margin below the best within which a trial is let finish. Default 0.
    public var delta: Double
    /// `confidence`: Δ, the probability required to stop. Default 0.99.
    public var confidence: Double
    /// `burn_in`: trials trained fully before any is stopped. Default 100.
    public var burnIn: Int
    /// `compare_to_nth`: compare with the n-th best instead of the best. Default 1.
    public var compareToNth: Int
    /// `min_epochs`: the earliest epoch at which a trial may be stopped. Default a quarter of
    /// `training.epochs` (at least 1); must be below `training.epochs`.
    public var minEpochs: Int

    /// Creates the section.
    public init(
        kind: Kind = .srm, delta: Double = 0, confidence: Double = 0.99, burnIn: Int = 100,
        compareToNth: Int = 1, minEpochs: Int = 1
    ) {
        self.kind = kind
        self.delta = delta
        self.confidence = confidence
        self.burnIn = burnIn
        self.compareToNth = compareToNth
        self.minEpochs = minEpochs
    }

    static let keys = ["kind", "delta", "confidence", "burn_in", "compare_to_nth", "min_epochs"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder, trainingEpochs: Int) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        kind = Kind(rawValue: try map.kind(among: Kind.allCases.map(\.rawValue))) ?? .srm
        delta = try map.number("delta", default: 0, .within(0...1))
        confidence = try map.number("confidence", default: 0.99, .aboveAndAtMost(0, 1))
        burnIn = try map.integer("burn_in", default: 100, .atLeast(1))
        compareToNth = try map.integer("compare_to_nth", default: 1, .atLeast(1))
        guard trainingEpochs >= 2 else {
            throw decoder.error(at: node.position, path, "early stopping needs training.epochs ≥ 2")
        }
        minEpochs = try map.integer(
            "min_epochs", default: max(1, trainingEpochs / 4), .within(1...(trainingEpochs - 1)))
    }
}
