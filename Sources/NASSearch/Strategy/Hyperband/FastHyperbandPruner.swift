import Foundation
import NASCore

/// f-Hyperband (Baker et al. 2018, §4.2.1 and appendix C, Algorithms 1 and 2; ALGORITHMS.md §2):
/// the one `Hyperband` strategy, with this pruner stopping configurations inside each round of
/// successive halving. Configured as `strategy: {kind: hyperband}` with `early_stopping: {kind:
/// srm}` (docs/hyperband.md).
///
/// **Data and models.** `D[r]` is the first d (`min_curves`) curves trained to exactly r epochs:
/// a trial's completion at budget r (a rung's target) adds its curve y(1…r); a configuration that
/// runs to the end of its rung after the models for r exist is not added (D[r] is full) but its
/// final value is still its rung's result (the strategy records it, Algorithm 2's reading note).
/// Once `D[r]` holds d curves, `M[r]` — SRMs predicting y_r from y(1…τ), τ = 1…r−1 — is fit on
/// them. Each `M[r]` depends only on those d curves and its own seed stream, so every later model
/// version holds the same `M[r]`; a fit reuses the ones already made (`FastHyperbandFitMemo`).
///
/// **Schedule.** The daemon's model-version rule needs a fixed count: version 1 after d completed
/// curves (no target can have d before), then one every `refitCadence` completions (default
/// ⌈d/4⌉), each holding `M[r]` for every r whose `D[r]` is full among the curves it is fit on. So
/// a target's models come into force at most `refitCadence` completions after its d-th curve,
/// and a version that adds no target costs a regrouping of the curves, not a fit.
///
/// **Decision.** After epoch τ of a configuration training to r (`RunStanding.rung`, which the
/// strategy fills), with `M[r]` fit and τ < r: predict `ŷ_r, σ` with `M[r][τ]` and stop when
/// `FastHyperbandRule.shouldStop` (`Φ(max_k(L, κ·n) − δ; ŷ_r, σ) ≥ Δ`). The stopped trial's result
/// in its rung is ŷ_r.
public struct FastHyperbandPruner: Pruner {
    /// κ, d, Δ and δ.
    public var rule: FastHyperbandRule
    /// The earliest epoch at which a trial may be stopped (config key `min_epochs`, default 1).
    public var minimumEpochs: Int
    /// Completions between one model version and the next.
    public var refitCadence: Int
    /// The settings of every SRM fit (`minimumExamples` at most d).
    public var settings: SRMSettings
    /// Seeds the fits: `M[r]` draws from its own stream of this seed.
    public var seed: UInt64
    /// The input shape of the run's networks (their parameter counts are features).
    public var input: TensorShape
    private let memo = FastHyperbandFitMemo()

    /// Creates the pruner.
    ///
    /// - Parameters:
    ///   - refitCadence: completions between model versions; `defaultCadence(minimumCurves:)`
    ///     when nil.
    ///   - settings: the SRM settings; `minimumExamples` is lowered to d (at least the fold count)
    ///     so that d curves always give models.
    public init(
        rule: FastHyperbandRule, minimumEpochs: Int = 1, refitCadence: Int? = nil,
        settings: SRMSettings = SRMSettings(),
        seed: UInt64, input: TensorShape
    ) {
        self.rule = rule
        self.minimumEpochs = max(1, minimumEpochs)
        self.refitCadence = max(1, refitCadence ?? Self.defaultCadence(minimumCurves: rule.minimumCurves))
        var settings = settings
        settings.minimumExamples = max(settings.folds, min(settings.minimumExamples, rule.minimumCurves))
        self.settings = settings
        self.seed = seed
        self.input = input
    }

    /// ⌈d/4⌉ completions.
    public static func defaultCadence(minimumCurves: Int) -> Int {
        max(1, (minimumCurves + 3) / 4)
    }

    public var name: String { "f-hyperband" }

    public var schedule: ModelSchedule? {
        ModelSchedule(burnIn: rule.minimumCurves, cadence: refitCadence)
    }

    /// `D`: for each target r with at least d curves trained to exactly r among `examples` (in
    /// completion order), its first d, as SRM training examples. Curves of one epoch predict
    /// nothing (there is no τ < 1) and are left out, as is a curve whose network cannot be
    /// analysed.
    public func trainingSets(_ examples: [PredictorExample]) -> [Int: [LearningCurveExample]] {
        var sets: [Int: [LearningCurveExample]] = [:]
        for example in examples {
            let target = example.curve.lastEpoch
            guard example.curve.values.count >= 2, sets[target, default: []].count < rule.minimumCurves,
                let features = features(of: example.candidate, target: target)
            else { continue }
            sets[target, default: []].append(
                LearningCurveExample(features: features, curve: example.curve))
        }
        return sets.filter { $0.value.count >= rule.minimumCurves }
    }

    /// Fits `M[r]` for every target whose `D[r]` is full among `examples`.
    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        var byTarget: [Int: SequentialRegressionModels] = [:]
        for (target, training) in trainingSets(examples).sorted(by: { $0.key < $1.key }) {
            if let models = memo.models(forTarget: target, training: training) {
                byTarget[target] = models
                continue
            }
            do {
                let models = try SequentialRegressionModels.fit(
                    examples: training, settings: settings, seed: fitSeed(ofTarget: target))
                memo.store(models, forTarget: target, training: training)
                byTarget[target] = models
            } catch {
                throw PredictorFitError(
                    "f-Hyperband models for r = \(target) (version \(version), \(training.count) curves): \(error)")
            }
        }
        return FastHyperbandModels(byTarget: byTarget)
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        do {
            return try JSONDecoder().decode(FastHyperbandModels.self, from: bytes)
        } catch {
            throw PredictorFitError("not an f-Hyperband model: \(error)")
        }
    }

    /// Stops the trial when `M[r]` predicts it is very likely not to reach its rung's κ·n-th best
    /// (less δ); proceeds outside a rung, before `minimumEpochs`, at r, without `M[r]`, and while
    /// the rung has fewer than κ·n results.
    public func decide(
        candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?
    ) -> PruneDecision {
        guard let rung = standing.rung, curve.lastEpoch >= minimumEpochs, curve.lastEpoch < rung.targetEpochs,
            let prediction = prediction(of: candidate, curve: curve, target: rung.targetEpochs, model: model),
            rule.shouldStop(prediction: prediction, rung: rung)
        else { return .proceed }
        return .stop(predicted: prediction.mean, sigma: prediction.sigma)
    }

    /// `M[r][τ]`'s prediction of y_r from the curve so far (τ = its last epoch), or nil without
    /// `M[r]` or when the network cannot be analysed.
    public func prediction(of candidate: Candidate, curve: CurvePrefix, target: Int, model: (any PredictorModel)?)
        -> FinalValuePrediction?
    {
        guard let models = (model as? FastHyperbandModels)?.models(forTarget: target), !curve.values.isEmpty,
            let features = features(of: candidate, target: target)
        else { return nil }
        return try? models.predict(features: features, prefix: curve)
    }

    /// The configuration features of a candidate trained to `target` epochs.
    public func features(of candidate: Candidate, target: Int) -> ConfigurationFeatures? {
        try? ConfigurationFeatures(
            network: candidate.network, input: input, hyperparameters: candidate.hyperparameters, budget: target)
    }

    /// The seed of `M[target]`'s fit.
    func fitSeed(ofTarget target: Int) -> UInt64 {
        var generator = SeededGenerator.derived(from: seed, stream: "f-hyperband.target.\(target)")
        return generator.next()
    }
}

/// The `M[r]` already fit, with the `D[r]` each was fit on: a later version whose `D[r]` is the
/// same gets the same models without refitting them (the fit is deterministic, so this changes
/// no result, only the time a version takes).
private final class FastHyperbandFitMemo: @unchecked Sendable {
    // Unchecked: every access to `entries` holds `lock`.
    private let lock = NSLock()
    private var entries: [Int: (training: [LearningCurveExample], models: SequentialRegressionModels)] = [:]

    func models(forTarget target: Int, training: [LearningCurveExample]) -> SequentialRegressionModels? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[target], entry.training == training else { return nil }
        return entry.models
    }

    func store(_ models: SequentialRegressionModels, forTarget target: Int, training: [LearningCurveExample]) {
        lock.lock()
        defer { lock.unlock() }
        entries[target] = (training, models)
    }
}
