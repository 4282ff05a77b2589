import Foundation
import NASCore
import NASNumerics

/// The regressor for one prefix length τ: predicts a curve's final value from `u_x` and the curve
/// up to epoch τ, with the σ(τ) of its errors (Baker et al. 2018, §3: `ŷ_T ~ N(y_T, σ(τ))`).
public struct SequentialRegressionModel: Hashable, Sendable, Codable {
    /// How the feature vector is built.
    public var layout: SRMFeatureLayout
    /// The fitted ν-SVR (its feature and target scaling included).
    public var regressor: NuSVRModel
    /// The hyperparameters the search chose.
    public var hyperparameters: SVRHyperparameters
    /// σ(τ): the root mean squared leave-one-out error (k-fold above `leaveOneOutLimit`).
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
        regressor.predict(layout.features(of: configuration, prefix: prefix))
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
        let regressor = result.hyperparameters.regressor(settings: settings)
        let model = try regressor.fit(features: features, targets: targets)
        let groups =
            examples.count <= settings.leaveOneOutLimit
            ? examples.indices.map { [$0] }
            : SVRHyperparameterSearch.folds(count: examples.count, folds: settings.leaveOneOutLimit, using: &generator)
        let looMSE = try search.crossValidatedMSE(
            result.hyperparameters, features: features, targets: targets, folds: groups)
        return SequentialRegressionModel(
            layout: layout, regressor: model, hyperparameters: result.hyperparameters, sigma: looMSE.squareRoot(),
            crossValidatedMSE: result.crossValidatedMSE, exampleCount: examples.count, widenings: result.widenings)
    }
}
