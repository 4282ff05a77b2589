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
        let features = try matrix(rows)
        let targets = examples.map(\.finalValue)
        // Above the sample limit the search and σ work on a seeded subsample (cost bounded
        // whatever the run's size); the fitted ν-SVRs see every example.
        var sampleFeatures = features
        var sampleTargets = targets
        if examples.count > settings.searchSampleLimit {
            let sample = Array(examples.indices).shuffled(using: &generator).prefix(settings.searchSampleLimit).sorted()
            sampleFeatures = try Self.matrix(sample.map { rows[$0] })
            sampleTargets = sample.map { targets[$0] }
        }
        let search = SVRHyperparameterSearch(settings: settings)
        let result = try search.run(features: sampleFeatures, targets: sampleTargets, using: &generator)
        var fitted: [NuSVRModel] = []
        for hyperparameters in result.ensemble {
            fitted.append(try hyperparameters.regressor(settings: settings).fit(features: features, targets: targets))
        }
        let groups =
            sampleTargets.count <= settings.leaveOneOutLimit
            ? sampleTargets.indices.map { [$0] }
            : SVRHyperparameterSearch.folds(
                count: sampleTargets.count, folds: settings.leaveOneOutLimit, using: &generator)
        let looMSE = try search.crossValidatedMSE(
            averaging: result.ensemble, clipped: true, features: sampleFeatures, targets: sampleTargets, folds: groups)
        return SequentialRegressionModel(
            layout: layout, regressor: fitted[0], runnersUp: Array(fitted.dropFirst()),
            targetRange: targetRange(of: targets), hyperparameters: result.hyperparameters,
            runnerUpHyperparameters: Array(result.ensemble.dropFirst()), sigma: looMSE.squareRoot(),
            crossValidatedMSE: result.crossValidatedMSE, exampleCount: examples.count, widenings: result.widenings)
    }

    /// The feature matrix of `rows` (all of one layout's width).
    private static func matrix(_ rows: [[Double]]) throws(SVMError) -> Matrix {
        do {
            return try Matrix(rows: rows)
        } catch {
            throw .targetCountMismatch(rows: rows.count, targets: rows.count)
        }
    }
}

extension SequentialRegressionModel {
    private enum CodingKeys: String, CodingKey {
        case layout, regressor, runnersUp, sharedSupportVectors, targetRange, hyperparameters
        case runnerUpHyperparameters, sigma, crossValidatedMSE, exampleCount, widenings
    }

    /// A runner-up as stored: its support vectors are training rows, mostly the same ones the best
    /// ν-SVR keeps, so they are stored once (`supportVectorRows` index the best's support vectors,
    /// then `sharedSupportVectors`), and the scaler only where it differs from the best's.
    private struct StoredRunnerUp: Codable {
        var kernel: SVMKernel
        var scaler: FeatureScaler?
        var supportVectorRows: [Int]
        var coefficients: [Double]
        var intercept: Double
        var targetOffset: Double
        var targetScale: Double
        var epsilon: Double
        var iterations: Int
        var converged: Bool
    }

    /// Encodes the model, each support vector once however many ν-SVRs keep it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layout, forKey: .layout)
        try container.encode(regressor, forKey: .regressor)
        let columns = regressor.supportVectors.columnCount
        var index: [[Double]: Int] = [:]
        let bestRows = regressor.supportVectors.rows
        for (position, row) in bestRows.enumerated() where index[row] == nil { index[row] = position }
        var shared: [Double] = []
        var sharedCount = 0
        var stored: [StoredRunnerUp] = []
        for member in runnersUp {
            guard member.supportVectors.columnCount == columns else {
                throw EncodingError.invalidValue(
                    member, .init(codingPath: encoder.codingPath, debugDescription: "runners-up differ in features"))
            }
            var rows: [Int] = []
            for row in member.supportVectors.rows {
                if let position = index[row] {
                    rows.append(position)
                } else {
                    let position = bestRows.count + sharedCount
                    index[row] = position
                    shared.append(contentsOf: row)
                    sharedCount += 1
                    rows.append(position)
                }
            }
            stored.append(
                StoredRunnerUp(
                    kernel: member.kernel, scaler: member.scaler == regressor.scaler ? nil : member.scaler,
                    supportVectorRows: rows, coefficients: member.coefficients, intercept: member.intercept,
                    targetOffset: member.targetOffset, targetScale: member.targetScale, epsilon: member.epsilon,
                    iterations: member.iterations, converged: member.converged))
        }
        try container.encode(stored, forKey: .runnersUp)
        try container.encode(
            try Matrix(rowCount: sharedCount, columnCount: columns, values: shared), forKey: .sharedSupportVectors)
        try container.encodeIfPresent(targetRange, forKey: .targetRange)
        try container.encode(hyperparameters, forKey: .hyperparameters)
        try container.encode(runnerUpHyperparameters, forKey: .runnerUpHyperparameters)
        try container.encode(sigma, forKey: .sigma)
        try container.encode(crossValidatedMSE, forKey: .crossValidatedMSE)
        try container.encode(exampleCount, forKey: .exampleCount)
        try container.encode(widenings, forKey: .widenings)
    }

    /// Decodes a model; the runners-up, their hyperparameters and `targetRange` are absent from
    /// models stored before they existed, which then predict as they did (one ν-SVR, unclipped).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let regressor = try container.decode(NuSVRModel.self, forKey: .regressor)
        let stored = try container.decodeIfPresent([StoredRunnerUp].self, forKey: .runnersUp) ?? []
        var runnersUp: [NuSVRModel] = []
        if !stored.isEmpty {
            let shared = try container.decode(Matrix.self, forKey: .sharedSupportVectors)
            let best = regressor.supportVectors
            guard shared.columnCount == best.columnCount || shared.rowCount == 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .sharedSupportVectors, in: container,
                    debugDescription:
                        "\(shared.columnCount) columns; the best ν-SVR's support vectors have \(best.columnCount)")
            }
            let table = try Matrix(
                rowCount: best.rowCount + shared.rowCount, columnCount: best.columnCount,
                values: best.values + shared.values)
            for member in stored {
                let inTable = member.supportVectorRows.allSatisfy { (0..<table.rowCount).contains($0) }
                guard inTable,
                    member.supportVectorRows.count == member.coefficients.count
                else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .runnersUp, in: container,
                        debugDescription: "a runner-up's support vector rows do not fit its coefficients or the table")
                }
                runnersUp.append(
                    NuSVRModel(
                        kernel: member.kernel, scaler: member.scaler ?? regressor.scaler,
                        supportVectors: table.selectingRows(member.supportVectorRows),
                        coefficients: member.coefficients, intercept: member.intercept,
                        targetOffset: member.targetOffset, targetScale: member.targetScale, epsilon: member.epsilon,
                        iterations: member.iterations, converged: member.converged))
            }
        }
        self.init(
            layout: try container.decode(SRMFeatureLayout.self, forKey: .layout), regressor: regressor,
            runnersUp: runnersUp,
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
