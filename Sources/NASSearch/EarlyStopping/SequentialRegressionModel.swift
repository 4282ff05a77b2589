import Foundation
import NASCore
import NASNumerics

/// The regressor for one prefix length τ: predicts a curve's final value from `u_x` and the curve
/// up to epoch τ, with the σ(τ) of its errors (Baker et al. 2018, §3: `ŷ_T ~ N(y_T, σ(τ))`).
public struct SequentialRegressionModel: Hashable, Sendable, Codable {
    /// How the feature vector is built.
    public var layout: SRMFeatureLayout
    /// The fitted ν-SVR of the best candidate (its feature and target scaling included).
    public var regressor: NuSVRModel
    /// The hyperparameters the search chose (the best candidate's).
    public var hyperparameters: SVRHyperparameters
    /// The other members of the ensemble, next best first (`SRMSettings.ensembleSize`); the
    /// prediction is the mean of `regressor` and these. Empty for a single model.
    public var additionalRegressors: [NuSVRModel]
    /// σ(τ): the root mean squared leave-one-out error of the ensemble's prediction (k-fold above
    /// `leaveOneOutLimit`).
    public var sigma: Double
    /// The cross-validated MSE of the chosen hyperparameters.
    public var crossValidatedMSE: Double
    /// How many complete curves the model was fitted on.
    public var exampleCount: Int
    /// How many times the search widened a range because the chosen value sat at its bound.
    public var widenings: Int

    /// The prefix length τ in epochs.
    public var prefixEpochs: Int { layout.prefixEpochs }

    /// Creates a fitted model.
    public init(
        layout: SRMFeatureLayout, regressor: NuSVRModel, hyperparameters: SVRHyperparameters,
        additionalRegressors: [NuSVRModel] = [], sigma: Double, crossValidatedMSE: Double, exampleCount: Int,
        widenings: Int
    ) {
        self.layout = layout
        self.regressor = regressor
        self.hyperparameters = hyperparameters
        self.additionalRegressors = additionalRegressors
        self.sigma = sigma
        self.crossValidatedMSE = crossValidatedMSE
        self.exampleCount = exampleCount
        self.widenings = widenings
    }

    /// The predicted final value of a configuration whose curve reaches at least `prefixEpochs`:
    /// the mean of the ensemble members' predictions.
    public func predictedFinalValue(of configuration: ConfigurationFeatures, prefix: CurvePrefix) -> Double {
        let features = layout.features(of: configuration, prefix: prefix)
        let sum = additionalRegressors.reduce(regressor.predict(features)) { $0 + $1.predict(features) }
        return sum / Double(1 + additionalRegressors.count)
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
        var members: [NuSVRModel] = []
        for hyperparameters in result.ensemble {
            members.append(try hyperparameters.regressor(settings: settings).fit(features: features, targets: targets))
        }
        let groups =
            examples.count <= settings.leaveOneOutLimit
            ? examples.indices.map { [$0] }
            : SVRHyperparameterSearch.folds(count: examples.count, folds: settings.leaveOneOutLimit, using: &generator)
        let looMSE = try search.crossValidatedMSE(
            ensemble: result.ensemble, features: features, targets: targets, folds: groups)
        return SequentialRegressionModel(
            layout: layout, regressor: members[0], hyperparameters: result.hyperparameters,
            additionalRegressors: Array(members.dropFirst()), sigma: looMSE.squareRoot(),
            crossValidatedMSE: result.crossValidatedMSE, exampleCount: examples.count, widenings: result.widenings)
    }
}

extension SequentialRegressionModel {
    private enum CodingKeys: String, CodingKey {
        case layout, regressor, hyperparameters, additionalRegressors, sigma, crossValidatedMSE, exampleCount
        case widenings
    }

    /// Decodes a model; models stored before ensembles existed have no `additionalRegressors`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            layout: try container.decode(SRMFeatureLayout.self, forKey: .layout),
            regressor: try container.decode(NuSVRModel.self, forKey: .regressor),
            hyperparameters: try container.decode(SVRHyperparameters.self, forKey: .hyperparameters),
            additionalRegressors: try container.decodeIfPresent([NuSVRModel].self, forKey: .additionalRegressors) ?? [],
            sigma: try container.decode(Double.self, forKey: .sigma),
            crossValidatedMSE: try container.decode(Double.self, forKey: .crossValidatedMSE),
            exampleCount: try container.decode(Int.self, forKey: .exampleCount),
            widenings: try container.decode(Int.self, forKey: .widenings))
    }
}
