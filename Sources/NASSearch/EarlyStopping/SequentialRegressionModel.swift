import Foundation
import NASCore
import NASNumerics

/// The regressor for one prefix length τ: predicts a curve's final value from `u_x` and the curve
/// up to epoch τ, with the σ(τ) of its errors (Baker et al. 2018, §3: `ŷ_T ~ N(y_T, σ(τ))`).
public struct SequentialRegressionModel: Hashable, Sendable, Codable {
    /// How the feature vector is built.
    public var layout: SRMFeatureLayout
    /// The fitted ν-SVR of the best hyperparameters (its feature and target scaling included).
    public var regressor: NuSVRModel
    /// The fitted ν-SVRs of the next best hyperparameters (`SRMSettings.ensembleSize` − 1 at
    /// most); the prediction averages them with `regressor`. Empty in models stored before
    /// ensembles existed.
    public var runnersUp: [NuSVRModel]
    /// The smallest and largest final value of the examples; predictions are clipped to it. `nil`
    /// in models stored before clipping existed.
    public var targetRange: ClosedRange<Double>?
    /// The hyperparameters the search chose (the best; `regressor`'s).
    public var hyperparameters: SVRHyperparameters
    /// The hyperparameters of `runnersUp`, in the same order.
    public var runnerUpHyperparameters: [SVRHyperparameters]
    /// σ(τ): the root mean squared leave-one-out error of the prediction (the clipped average; k-fold
    /// above `leaveOneOutLimit`).
    public var sigma: Double
    /// The cross-validated MSE of the chosen hyperparameters.
    public var crossValidatedMSE: Double
    /// How many complete curves the model was fitted on.
    public var exampleCount: Int
    /// How many times the search widened a range because the chosen value sat at its bound.
    public var widenings: Int

    /// The prefix length τ in epochs.
    public var prefixEpochs: Int { layout.prefixEpochs }

    /// The predicted final value of a configuration whose curve reaches at least `prefixEpochs`.
    public func predictedFinalValue(of configuration: ConfigurationFeatures, prefix: CurvePrefix) -> Double {
        Self.averagedPrediction(
            of: [regressor] + runnersUp, features: layout.features(of: configuration, prefix: prefix),
            clippedTo: targetRange)
    }

    /// The mean of the models' predictions, clipped to `range` when one is given.
    static func averagedPrediction(of models: [NuSVRModel], features: [Double], clippedTo range: ClosedRange<Double>?)
        -> Double
    {
        var sum = 0.0
        for model in models { sum += model.predict(features) }
        let mean = sum / Double(max(1, models.count))
        guard let range else { return mean }
        return min(max(mean, range.lowerBound), range.upperBound)
    }

    /// The range of finite `targets` (`nil` when there are none).
    static func targetRange(of targets: [Double]) -> ClosedRange<Double>? {
        let finite = targets.filter(\.isFinite)
        guard let lowest = finite.min(), let highest = finite.max() else { return nil }
        return lowest...highest
    }

    /// Fits the model for prefix length `prefixEpochs` on examples whose curves run past it.
    static func fit(
        prefixEpochs: Int, examples: [LearningCurveExample], settings: SRMSettings,
        using generator: inout SeededGenerator
    ) throws(SVMError) -> SequentialRegressionModel {
        let layout = SRMFeatureLayout(prefixEpochs: prefixEpochs, examples: examples)
        let rows = examples.map { layout.features(of: $0.features, prefix: $0.curve) }
        let features: Matrix
        do {
            features = try Matrix(rows: rows)
        } catch {
            throw .targetCountMismatch(rows: rows.count, targets: examples.count)
        }
        let targets = examples.map(\.finalValue)
        let search = SVRHyperparameterSearch(settings: settings)
        let result = try search.run(features: features, targets: targets, using: &generator)
        var fitted: [NuSVRModel] = []
        for hyperparameters in result.ensemble {
            fitted.append(try hyperparameters.regressor(settings: settings).fit(features: features, targets: targets))
        }
        let groups =
            examples.count <= settings.leaveOneOutLimit
            ? examples.indices.map { [$0] }
            : SVRHyperparameterSearch.folds(count: examples.count, folds: settings.leaveOneOutLimit, using: &generator)
        let looMSE = try search.crossValidatedMSE(
            averaging: result.ensemble, clipped: true, features: features, targets: targets, folds: groups)
        return SequentialRegressionModel(
            layout: layout, regressor: fitted[0], runnersUp: Array(fitted.dropFirst()),
            targetRange: targetRange(of: targets), hyperparameters: result.hyperparameters,
            runnerUpHyperparameters: Array(result.ensemble.dropFirst()), sigma: looMSE.squareRoot(),
            crossValidatedMSE: result.crossValidatedMSE, exampleCount: examples.count, widenings: result.widenings)
    }
}

extension SequentialRegressionModel {
    /// Decodes a model; `runnersUp`, their hyperparameters and `targetRange` are absent from models stored before they
    /// existed, which then predict as they did (one ν-SVR, unclipped).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            layout: try container.decode(SRMFeatureLayout.self, forKey: .layout),
            regressor: try container.decode(NuSVRModel.self, forKey: .regressor),
            runnersUp: try container.decodeIfPresent([NuSVRModel].self, forKey: .runnersUp) ?? [],
            targetRange: try container.decodeIfPresent(ClosedRange<Double>.self, forKey: .targetRange),
            hyperparameters: try container.decode(SVRHyperparameters.self, forKey: .hyperparameters),
            runnerUpHyperparameters:
                try container.decodeIfPresent([SVRHyperparameters].self, forKey: .runnerUpHyperparameters) ?? [],
            sigma: try container.decode(Double.self, forKey: .sigma),
            crossValidatedMSE: try container.decode(Double.self, forKey: .crossValidatedMSE),
            exampleCount: try container.decode(Int.self, forKey: .exampleCount),
            widenings: try container.decode(Int.self, forKey: .widenings))
    }
}
