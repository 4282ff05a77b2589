import NASCore

/// A fit that a strategy's next decision waits for, and the strategy's own work with the model: the
/// model-version rule (`ModelSchedule`, docs/architecture.md) applied to a strategy.
///
/// A strategy whose proposals need a fitted model (predictor-driven evolution) answers
/// `propose()` with `.waitForModel(version:)` and names the work here. The daemon, off its commit
/// thread, runs `predictor.fit(examples, version:)` (or decodes the model it stored under
/// `strategy/<predictor.name>` and `version`), then `prepare(model)` — a round's ranking of
/// thousands of candidates is as much too slow for the commit thread as the fit — and hands the
/// preparation back with `SearchStrategy.install(_:)`; `nasd replay` does both in place
/// (`fulfilled()`). The strategy's snapshot holds only the version it waits for, never the model
/// nor the preparation: after a restart the strategy asks again and gets the stored model (or the
/// same fit again — fits are pure functions of the examples and the version) and the same
/// preparation (a pure function of the model and the strategy's state), so a resumed run decides
/// exactly as the uninterrupted one.
public struct StrategyModelRequest: Sendable {
    /// What fits the model (and decodes a stored one).
    public var predictor: any LearnedPredictor
    /// The model's version (predictor-driven evolution: the round).
    public var version: Int
    /// What to fit it on, or nil when the decision needs no fit (predictor-driven evolution's round
    /// with fewer than 2 trained networks: it ranks with a transferred model, or explores at
    /// random). A strategy's examples are its trained networks with their reward (the final
    /// accuracy, or an early-stopped trial's predicted one) as a one-point curve.
    public var examples: [PredictorExample]?
    /// The strategy's work with the model (nil when none was fit or its fit failed): pure, and slow
    /// enough to run off the commit thread.
    public var prepare: @Sendable ((any PredictorModel)?) -> StrategyPreparation

    /// Creates a request.
    public init(
        predictor: any LearnedPredictor, version: Int, examples: [PredictorExample]?,
        prepare: @escaping @Sendable ((any PredictorModel)?) -> StrategyPreparation
    ) {
        self.predictor = predictor
        self.version = version
        self.examples = examples
        self.prepare = prepare
    }

    /// Fits the model (when the request names examples; a failed fit counts as none) and prepares
    /// with it, in place: for `nasd replay` and benchmarks, which have no commit thread to keep free.
    public func fulfilled() -> StrategyPreparation {
        prepare(examples.flatMap { try? predictor.fit($0, version: version) })
    }
}

/// What a strategy prepared with model `version` of its `StrategyModelRequest` (a round's ranked
/// proposals), handed back with `SearchStrategy.install(_:)`. Opaque to everyone but the strategy.
public struct StrategyPreparation: Sendable {
    /// The model version it was prepared with.
    public let version: Int
    /// The strategy's own content.
    let content: any Sendable
}
