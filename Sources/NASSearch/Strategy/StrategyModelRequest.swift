import NASCore

/// A fit that a strategy's next decision waits for: the model-version rule (`ModelSchedule`,
/// docs/architecture.md) applied to a strategy.
///
/// A strategy whose proposals need a fitted model (predictor-driven evolution) answers
/// `propose()` with `.waitForModel(version:)` and names the fit here. The daemon runs
/// `predictor.fit(examples, version:)` off its commit thread, stores the model under
/// `strategy/<predictor.name>` and `version` in the run store, and hands it back with
/// `SearchStrategy.install(model:version:)`; `nasd replay` fits it in place. The strategy's snapshot
/// holds only the version it waits for, never the model: after a restart the strategy asks again
/// and gets the stored model (or the same fit again — fits are pure functions of the examples and
/// the version), so a resumed run decides exactly as the uninterrupted one.
public struct StrategyModelRequest: Sendable {
    /// What fits the model (and decodes a stored one).
    public var predictor: any LearnedPredictor
    /// The model's version (predictor-driven evolution: the round).
    public var version: Int
    /// What to fit it on. A strategy's examples are its trained networks with their reward (the
    /// final accuracy, or an early-stopped trial's predicted one) as a one-point curve.
    public var examples: [PredictorExample]

    /// Creates a request.
    public init(predictor: any LearnedPredictor, version: Int, examples: [PredictorExample]) {
        self.predictor = predictor
        self.version = version
        self.examples = examples
    }
}
