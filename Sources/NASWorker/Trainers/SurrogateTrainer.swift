import NASCore

/// The built-in synthetic trainer: serves the surrogate benchmark's curve for the trial
/// (docs/surrogate.md), optionally waiting between epochs like a slow trainer.
///
/// Deterministic: the same spec (architecture, hyperparameters, seed, budget) gives the same
/// records, so a trial resumed at `startEpoch` reports exactly the epochs an uninterrupted one
/// would have reported after it.
public struct SurrogateTrainer: Trainer {
    /// The synthetic benchmark that draws the curves.
    public var benchmark: SurrogateBenchmark
    /// How long each epoch takes; zero for none. The wait is cancellable.
    public var epochDelay: Duration

    /// Creates a surrogate trainer.
    public init(benchmark: SurrogateBenchmark = SurrogateBenchmark(), epochDelay: Duration = .zero) {
        self.benchmark = benchmark
        self.epochDelay = epochDelay
    }

    /// `surrogate`.
    public var name: String { "surrogate" }

    /// Reports epochs `startEpoch + 1 … epochBudget` of the surrogate curve, each with a
    /// `learning_rate` metric (the rate in force during that epoch).
    ///
    /// - Throws: `.invalidSpec`, `.unsupportedNetwork` for a cell, `.invalidArchitecture`, or
    ///   `.cancelled`.
    public func train(
        _ spec: TrialSpec, report: @Sendable (EpochRecord) async -> EpochDecision
    ) async throws(TrainerError) -> TrainingOutcome {
        try EpochPacing.check(spec)
        guard let architecture = spec.architecture else {
            throw .unsupportedNetwork(trainer: name, notation: spec.network.notation)
        }
        let curve: [Double]
        do {
            curve = try benchmark.curve(
                for: architecture, input: spec.input, hyperparameters: spec.hyperparameters, seed: spec.seed,
                budget: spec.epochBudget)
        } catch {
            throw .invalidArchitecture(notation: architecture.notation, error)
        }
        guard let epochs = spec.remainingEpochs else {
            return TrainingOutcome(ending: .budgetReached, lastEpoch: spec.startEpoch)
        }
        let configuration = benchmark.configuration
        let initialRate = spec.hyperparameters[configuration.learningRateKey] ?? configuration.defaultLearningRate
        for epoch in epochs {
            try await EpochPacing.waitForEpoch(epochDelay, trialID: spec.trialID, lastEpoch: epoch - 1)
            let rate = benchmark.learningRate(atEpoch: epoch, budget: spec.epochBudget, initialRate: initialRate)
            let record = EpochRecord(
                epoch: epoch, validationAccuracy: curve[epoch - 1], metrics: ["learning_rate": rate])
            if await report(record) == .stop, epoch < spec.epochBudget {
                return TrainingOutcome(ending: .stopRequested, lastEpoch: epoch)
            }
        }
        return TrainingOutcome(ending: .budgetReached, lastEpoch: spec.epochBudget)
    }
}
