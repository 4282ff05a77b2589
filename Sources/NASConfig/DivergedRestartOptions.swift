/// `strategy.diverged_restart`: what the original MetaQNN code did with a network that did not
/// learn (Baker et al. 2017, §4; ALGORITHMS.md §1): a trial whose validation accuracy at its first
/// report (after its first epoch, for a trainer that reports every epoch) is at or below `threshold` is restarted with learning rate `lr · factorⁱ` (lr the
/// configured `training.hyperparameters.learning_rate`), at most `tries` times, before it counts
/// as a failure. Restarts do not count against `trial.max_attempts`.
///
/// Written `{threshold: 0.15, factor: 0.4, tries: 5}`; each key defaults to the original's value.
public struct DivergedRestartOptions: Hashable, Sendable {
    /// `threshold`: accuracy at the first report at or below which a trial has diverged.
    /// Default 0.15, in [0, 1].
    public var threshold: Double
    /// `factor`: the learning rate of restart i is `lr · factorⁱ`. Default 0.4, in (0, 1].
    public var factor: Double
    /// `tries`: restarts before the trial fails. Default 5, at least 1.
    public var tries: Int

    /// Creates the options; every argument defaults to the original code's value.
    public init(threshold: Double = 0.15, factor: Double = 0.4, tries: Int = 5) {
        self.threshold = threshold
        self.factor = factor
        self.tries = tries
    }

    /// The learning rate of restart `index` (1 for the first restart) from the base rate.
    public func learningRate(base: Double, restart index: Int) -> Double {
        var rate = base
        for _ in 0..<max(0, index) { rate *= factor }
        return rate
    }

    static let keys = ["threshold", "factor", "tries"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        let defaults = DivergedRestartOptions()
        threshold = try map.number("threshold", default: defaults.threshold, .within(0...1))
        factor = try map.number("factor", default: defaults.factor, .aboveAndAtMost(0, 1))
        tries = try map.integer("tries", default: defaults.tries, .atLeast(1))
    }
}
