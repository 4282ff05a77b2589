import Foundation
import NASCore
import NASNumerics

/// Baker et al.'s sequential regression models (SRM, 2018): one ν-SVR per observed prefix length
/// τ, each predicting a configuration's final validation accuracy from its features and its curve
/// up to epoch τ, with a per-τ σ (ALGORITHMS.md §2).
///
/// Prefix lengths are epochs, not point counts: the models are the distinct epochs that training
/// curves recorded before their last one, so curves reported every k epochs, or with gaps, are
/// served too. A prefix is predicted by the longest model τ ≤ its last epoch. Pure and
/// deterministic: the same examples, settings and seed give the same models; `Codable`, so a run
/// store can keep them.
public struct SequentialRegressionModels: Hashable, Sendable, Codable {
    /// The models, by ascending prefix length.
    public var models: [SequentialRegressionModel]
    /// The settings of the fit.
    public var settings: SRMSettings
    /// The number of complete curves the fit saw.
    public var exampleCount: Int

    /// Fits one model per prefix length that at least `settings.minimumExamples` curves run past.
    ///
    /// - Parameters:
    ///   - examples: fully observed curves (their final value is the target).
    ///   - settings: the search and regressor settings.
    ///   - seed: seeds the cross-validation folds and the random search; each τ draws from its
    ///     own stream, so adding a length does not change the others.
    ///   - prefixLengths: fit only these lengths (of those the examples serve); `nil` fits all.
    ///     Each model is the one a full fit would give, since each τ has its own stream.
    /// - Throws: `SRMError.invalidSettings`, `.notEnoughExamples` when no length has enough
    ///   curves, `.regression` when a ν-SVR fit fails.
    public static func fit(
        examples: [LearningCurveExample], settings: SRMSettings = SRMSettings(), seed: UInt64,
        prefixLengths: Set<Int>? = nil
    ) throws(SRMError) -> SequentialRegressionModels {
        try settings.validate()
        let usable = usableExamples(examples)
        let work = servedPrefixLengths(examples: usable, settings: settings).filter {
            prefixLengths?.contains($0.prefixEpochs) ?? true
        }
        // The models are independent and each draws from its own seeded stream, so fitting them
        // on all cores gives exactly the models a sequential loop would.
        let results = IndexedResults<Result<SequentialRegressionModel, SVMError>>(count: work.count)
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let job = work[index]
            var generator = SeededGenerator.derived(from: seed, stream: "srm.prefix.\(job.prefixEpochs)")
            let result = Result { () throws(SVMError) -> SequentialRegressionModel in
                try SequentialRegressionModel.fit(
                    prefixEpochs: job.prefixEpochs, examples: job.examples, settings: settings, using: &generator)
            }
            results.store(result, at: index)
        }
        var models: [SequentialRegressionModel] = []
        for result in results.all {
            switch result {
            case .success(let model): models.append(model)
            case .failure(let error): throw .regression(error)
            case nil: continue
            }
        }
        guard !models.isEmpty else {
            throw .notEnoughExamples(count: usable.count, minimum: settings.minimumExamples)
        }
        return SequentialRegressionModels(models: models, settings: settings, exampleCount: usable.count)
    }

    /// The prefix lengths a fit on `examples` gets a model for, ascending: the epochs that curves
    /// recorded before their last one, each with the examples whose curves run past it (at least
    /// `settings.minimumExamples` of them).
    public static func servedPrefixLengths(examples: [LearningCurveExample], settings: SRMSettings)
        -> [(prefixEpochs: Int, examples: [LearningCurveExample])]
    {
        let usable = usableExamples(examples)
        var lengths = Set<Int>()
        for example in usable {
            for epoch in example.curve.epochs.dropLast() { lengths.insert(epoch) }
        }
        var served: [(prefixEpochs: Int, examples: [LearningCurveExample])] = []
        for prefixEpochs in lengths.sorted() {
            let serving = usable.filter {
                $0.finalEpoch > prefixEpochs && ($0.curve.epochs.first ?? .max) <= prefixEpochs
            }
            if serving.count >= settings.minimumExamples { served.append((prefixEpochs, serving)) }
        }
        return served
    }

    /// The examples a fit can learn from: a non-empty curve with a finite final value.
    private static func usableExamples(_ examples: [LearningCurveExample]) -> [LearningCurveExample] {
        examples.filter { !$0.curve.values.isEmpty && $0.finalValue.isFinite }
    }

    /// Creates a model set from fitted models (sorted by prefix length here).
    public init(models: [SequentialRegressionModel], settings: SRMSettings, exampleCount: Int) {
        self.models = models.sorted { $0.prefixEpochs < $1.prefixEpochs }
        self.settings = settings
        self.exampleCount = exampleCount
    }

    /// The prefix lengths τ (epochs) that have a model.
    public var prefixLengths: [Int] { models.map(\.prefixEpochs) }

    /// The model that serves a prefix ending at `lastEpoch`: the longest τ ≤ `lastEpoch`.
    public func model(forPrefixEndingAt lastEpoch: Int) -> SequentialRegressionModel? {
        models.last { $0.prefixEpochs <= lastEpoch }
    }

    /// Predicts a configuration's final value from its features and observed curve.
    ///
    /// - Returns: the predictive distribution `N(ŷ_T, σ(τ))` and the τ of the model used.
    /// - Throws: `SRMError.noModel` when the prefix is shorter than the shortest model.
    public func predict(features: ConfigurationFeatures, prefix: CurvePrefix) throws(SRMError) -> FinalValuePrediction {
        guard let model = model(forPrefixEndingAt: prefix.lastEpoch), !prefix.values.isEmpty else {
            throw .noModel(lastEpoch: prefix.lastEpoch, shortest: models.first?.prefixEpochs)
        }
        return FinalValuePrediction(
            mean: model.predictedFinalValue(of: features, prefix: prefix), sigma: model.sigma,
            prefixEpochs: model.prefixEpochs)
    }
}

/// SRM's prediction of a final value: `N(mean, sigma)`, from the model for `prefixEpochs`.
public struct FinalValuePrediction: Hashable, Sendable, Codable {
    /// ŷ_T.
    public var mean: Double
    /// σ(τ) of the model used.
    public var sigma: Double
    /// The prefix length τ of the model used.
    public var prefixEpochs: Int

    /// Creates a prediction.
    public init(mean: Double, sigma: Double, prefixEpochs: Int) {
        self.mean = mean
        self.sigma = sigma
        self.prefixEpochs = prefixEpochs
    }

    /// The predictive distribution.
    public var distribution: NormalDistribution {
        NormalDistribution(mean: mean, standardDeviation: max(0, sigma))
    }
}
