import Foundation
import NASCore

/// Baker et al.'s SRM early stopping as the daemon's pruner (and `nasd replay --early-stop srm`'s):
/// sequential regression models fit on the complete curves so far, and the stop rule
/// `Φ(y_ref − δ; ŷ_T, σ) ≥ Δ` at each epoch boundary (ALGORITHMS.md §2, docs/early-stopping.md).
///
/// **Schedule.** Model version 1 is fit once `burnIn` complete curves exist, the warm-start curves
/// included; after that a new version every `refitCadence` run curves (`ModelSchedule`). The
/// daemon's model-version rule needs a fixed count: which model makes a decision must depend only on
/// how many curves had completed, so that a restarted daemon makes the same decisions. The default
/// cadence is a quarter of the burn-in, at least 10 (`defaultCadence(burnIn:)`): 100, 125, 150, …
/// at the default burn-in — the first refits, where each curve adds most, as soon as
/// `SRMRefitSchedule`'s geometric cadence would make them; later ones a little more often than it,
/// which costs fit time off the commit thread and nothing on it.
///
/// **Warm start.** `warmStart` holds the complete curves of an earlier run or recorded curves of
/// the same task. `fit` puts them before the run's own curves, and the schedule's burn-in is
/// `burnIn` minus their number (0 when they are enough: the first model is fit before the run
/// completes anything). The reference `y_ref` is always the run's own n-th best final accuracy,
/// so a trial is stopped for not beating this run's best, never a best recorded elsewhere (whose
/// budget or data may differ); stopping starts as soon as the run has n final values.
public struct SRMPruner: Pruner {
    /// The stop rule (Δ, δ, n).
    public var rule: EarlyStoppingRule
    /// The earliest epoch at which a trial may be stopped (config key `min_epochs`).
    public var minimumEpochs: Int
    /// Complete curves, the warm start's included, before the first model (config key `burn_in`).
    public var burnIn: Int
    /// Run curves between one model version and the next.
    public var refitCadence: Int
    /// The settings of every fit.
    public var settings: SRMSettings
    /// Seeds the fits: version k draws from its own stream of this seed.
    public var seed: UInt64
    /// The input shape of the run's networks (their parameter counts are features).
    public var input: TensorShape
    /// Complete curves recorded elsewhere, fit before the run's own.
    public var warmStart: [LearningCurveExample]

    /// Creates the pruner.
    ///
    /// - Parameters:
    ///   - refitCadence: run curves between versions; `defaultCadence(burnIn:)` when nil.
    ///   - settings: the fit's settings; a burn-in below `settings.minimumExamples` lowers that
    ///     minimum to the burn-in (at least the fold count), so that the first fit can succeed.
    public init(
        rule: EarlyStoppingRule, minimumEpochs: Int, burnIn: Int, refitCadence: Int? = nil,
        settings: SRMSettings = SRMSettings(), seed: UInt64, input: TensorShape,
        warmStart: [LearningCurveExample] = []
    ) {
        self.rule = rule
        self.minimumEpochs = max(1, minimumEpochs)
        self.burnIn = max(1, burnIn)
        self.refitCadence = max(1, refitCadence ?? Self.defaultCadence(burnIn: burnIn))
        var settings = settings
        settings.minimumExamples = max(settings.folds, min(settings.minimumExamples, self.burnIn))
        self.settings = settings
        self.seed = seed
        self.input = input
        self.warmStart = warmStart
    }

    /// A quarter of the burn-in, at least 10 curves.
    public static func defaultCadence(burnIn: Int) -> Int {
        max(10, (burnIn + 3) / 4)
    }

    public var name: String { "srm" }

    public var schedule: ModelSchedule? {
        ModelSchedule(burnIn: max(0, burnIn - warmStart.count), cadence: refitCadence)
    }

    /// Fits the models of `version` on the warm-start curves followed by `examples`.
    ///
    /// A run curve whose network cannot be analysed (it could not have been trained) is left out.
    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        let training = warmStart + examples.compactMap(learningCurveExample)
        do {
            return try SequentialRegressionModels.fit(
                examples: training, settings: settings, seed: fitSeed(ofVersion: version))
        } catch {
            throw PredictorFitError("SRM model \(version) on \(training.count) curves: \(error)")
        }
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        do {
            return try JSONDecoder().decode(SequentialRegressionModels.self, from: bytes)
        } catch {
            throw PredictorFitError("not an SRM model: \(error)")
        }
    }

    /// Stops the trial when `Φ(y_ref − δ; ŷ_T, σ) ≥ Δ`, with `y_ref` the run's n-th best final value;
    /// proceeds before `minimumEpochs`, at the budget, without a model or a model for this prefix,
    /// and while the run has fewer than n final values.
    public func decide(
        candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?
    ) -> PruneDecision {
        guard curve.lastEpoch >= minimumEpochs, curve.lastEpoch < candidate.budget,
            let reference = standing.nthBest(rule.compareToNth),
            let models = model as? SequentialRegressionModels,
            let prediction = prediction(of: candidate, curve: curve, models: models)
        else { return .proceed }
        guard rule.probabilityOfNotBeating(reference, prediction: prediction) >= rule.confidence else {
            return .proceed
        }
        return .stop(predicted: prediction.mean, sigma: prediction.sigma)
    }

    /// SRM's prediction of the candidate's final value from its curve so far (up to epoch τ), or nil
    /// when its network cannot be analysed or no model covers the prefix.
    public func prediction(of candidate: Candidate, curve: CurvePrefix, models: SequentialRegressionModels)
        -> FinalValuePrediction?
    {
        guard let features = features(of: candidate), !curve.values.isEmpty else { return nil }
        return try? models.predict(features: features, prefix: curve)
    }

    /// The configuration features of a candidate.
    public func features(of candidate: Candidate) -> ConfigurationFeatures? {
        try? ConfigurationFeatures(
            network: candidate.network, input: input, hyperparameters: candidate.hyperparameters,
            budget: candidate.budget)
    }

    /// A run's completed curve as SRM's training example, at the epochs it was reported.
    public func learningCurveExample(_ example: PredictorExample) -> LearningCurveExample? {
        guard !example.curve.values.isEmpty, let features = features(of: example.candidate) else { return nil }
        return LearningCurveExample(features: features, curve: example.curve)
    }

    /// The seed of model version `version`'s fit.
    func fitSeed(ofVersion version: Int) -> UInt64 {
        var generator = SeededGenerator.derived(from: seed, stream: "srm.model.\(version)")
        return generator.next()
    }
}
