import Foundation
import NASCore
import NASNumerics

/// The hyperparameters of one ν-SVR: C, ν and (RBF) γ.
public struct SVRHyperparameters: Hashable, Sendable, Codable {
    /// The penalty C.
    public var c: Double
    /// ν.
    public var nu: Double
    /// γ of the RBF kernel; `nil` for the linear kernel.
    public var gamma: Double?

    /// Creates a hyperparameter set; `gamma: nil` selects the linear kernel.
    public init(c: Double, nu: Double, gamma: Double?) {
        self.c = c
        self.nu = nu
        self.gamma = gamma
    }

    /// The ν-SVR these hyperparameters configure (features and targets standardized).
    func regressor(settings: SRMSettings) -> NuSVR {
        NuSVR(
            c: c, nu: nu, kernel: gamma.map { .rbf(gamma: $0) } ?? .linear, featureScaling: .standardized,
            standardizesTargets: true, tolerance: settings.tolerance, maximumIterations: settings.maximumIterations)
    }
}

/// Random search over (C, ν, γ) scored by k-fold cross-validated MSE (Baker et al. 2018, §3), with
/// the bound widening `SRMSettings` describes.
struct SVRHyperparameterSearch {
    var settings: SRMSettings

    /// The best hyperparameters found and their cross-validated MSE.
    struct Result {
        var hyperparameters: SVRHyperparameters
        /// The `settings.ensembleSize` best distinct candidates, best first (`hyperparameters`).
        var ensemble: [SVRHyperparameters]
        var crossValidatedMSE: Double
        var candidatesTried: Int
        var widenings: Int
    }

    /// Searches on the rows of `features` and `targets` with the folds and candidates `generator`
    /// draws.
    func run(features: Matrix, targets: [Double], using generator: inout SeededGenerator) throws(SVMError) -> Result {
        let folds = Self.folds(count: targets.count, folds: settings.folds, using: &generator)
        var cRange = settings.cRange
        var gammaRange = settings.gammaRange
        var best: (SVRHyperparameters, Double)?
        var scores: [SVRHyperparameters: Double] = [:]
        var tried = 0
        var widenings = 0
        var count = settings.searchCount
        while true {
            for _ in 0..<count {
                let candidate = SVRHyperparameters(
                    c: Self.draw(cRange, using: &generator), nu: Self.draw(settings.nuRange, using: &generator),
                    gamma: settings.kernel == .rbf ? Self.draw(gammaRange, using: &generator) : nil)
                let score = try crossValidatedMSE(candidate, features: features, targets: targets, folds: folds)
                scores[candidate] = score
                tried += 1
                if best == nil || score < best?.1 ?? .infinity { best = (candidate, score) }
            }
            // Probe the ends of C's and γ's ranges with the best candidate's other values, so that
            // "the chosen value sits at a bound" is a fact the search establishes, not a draw's luck.
            if let (incumbent, _) = best {
                var probes = [cRange.lower, cRange.upper].map {
                    SVRHyperparameters(c: $0, nu: incumbent.nu, gamma: incumbent.gamma)
                }
                if incumbent.gamma != nil {
                    probes += [gammaRange.lower, gammaRange.upper].map {
                        SVRHyperparameters(c: incumbent.c, nu: incumbent.nu, gamma: $0)
                    }
                }
                for probe in probes {
                    let score = try crossValidatedMSE(probe, features: features, targets: targets, folds: folds)
                    scores[probe] = score
                    tried += 1
                    if score < best?.1 ?? .infinity { best = (probe, score) }
                }
            }
            guard let (chosen, _) = best, widenings < settings.maximumWidenings else { break }
            var widened = false
            if let side = Self.boundary(of: chosen.c, in: cRange) {
                cRange = Self.widen(cRange, side: side)
                widened = true
            }
            if let gamma = chosen.gamma, let side = Self.boundary(of: gamma, in: gammaRange) {
                gammaRange = Self.widen(gammaRange, side: side)
                widened = true
            }
            guard widened else { break }
            widenings += 1
            count = max(1, settings.searchCount / 2)
        }
        guard let (hyperparameters, score) = best else { throw .noTrainingData }
        let runnersUp = scores.filter { $0.key != hyperparameters }.sorted {
            ($0.value, $0.key.c, $0.key.nu, $0.key.gamma ?? 0) < ($1.value, $1.key.c, $1.key.nu, $1.key.gamma ?? 0)
        }
        return Result(
            hyperparameters: hyperparameters,
            ensemble: [hyperparameters] + runnersUp.prefix(settings.ensembleSize - 1).map(\.key),
            crossValidatedMSE: score, candidatesTried: tried, widenings: widenings)
    }

    /// The mean squared error of out-of-fold predictions.
    func crossValidatedMSE(
        _ hyperparameters: SVRHyperparameters, features: Matrix, targets: [Double], folds: [[Int]]
    ) throws(SVMError) -> Double {
        try crossValidatedMSE(
            averaging: [hyperparameters], clipped: false, features: features, targets: targets, folds: folds)
    }

    /// The mean squared error of out-of-fold predictions of the average of the ν-SVRs `members`
    /// configure, each prediction clipped to the fold's training targets' range when `clipped`
    /// (as `SequentialRegressionModel` predicts).
    func crossValidatedMSE(
        averaging members: [SVRHyperparameters], clipped: Bool, features: Matrix, targets: [Double],
        folds: [[Int]]
    ) throws(SVMError) -> Double {
        let regressors = members.map { $0.regressor(settings: settings) }
        var squaredError = 0.0
        var count = 0
        for (index, heldOut) in folds.enumerated() where !heldOut.isEmpty {
            let training = folds.enumerated().filter { $0.offset != index }.flatMap(\.element)
            let trainingFeatures = features.selectingRows(training)
            let trainingTargets = training.map { targets[$0] }
            var models: [NuSVRModel] = []
            for regressor in regressors {
                models.append(try regressor.fit(features: trainingFeatures, targets: trainingTargets))
            }
            let range = clipped ? SequentialRegressionModel.targetRange(of: trainingTargets) : nil
            for row in heldOut {
                let prediction = SequentialRegressionModel.averagedPrediction(
                    of: models, features: features.row(row), clippedTo: range)
                let error = prediction - targets[row]
                squaredError += error * error
                count += 1
            }
        }
        return count > 0 ? squaredError / Double(count) : .infinity
    }

    /// Splits `0..<count` into `folds` groups after a seeded shuffle (sizes differ by at most 1).
    static func folds(count: Int, folds: Int, using generator: inout SeededGenerator) -> [[Int]] {
        let order = Array(0..<count).shuffled(using: &generator)
        var groups = Array(repeating: [Int](), count: min(folds, count))
        for (position, index) in order.enumerated() { groups[position % groups.count].append(index) }
        return groups
    }

    private static func draw(_ range: SRMSettings.Range, using generator: inout SeededGenerator) -> Double {
        guard range.upper > range.lower else { return range.lower }
        if range.isLogarithmic {
            return exp(Double.random(in: log(range.lower)...log(range.upper), using: &generator))
        }
        return Double.random(in: range.lower...range.upper, using: &generator)
    }

    private enum Side { case lower, upper }

    /// Which end of a logarithmic range a value sits at (its outer 10 %), if any.
    private static func boundary(of value: Double, in range: SRMSettings.Range) -> Side? {
        guard range.isLogarithmic, range.upper > range.lower else { return nil }
        let position = (log(value) - log(range.lower)) / (log(range.upper) - log(range.lower))
        if position <= 0.1 { return .lower }
        if position >= 0.9 { return .upper }
        return nil
    }

    /// The range with one end moved out by two decades.
    private static func widen(_ range: SRMSettings.Range, side: Side) -> SRMSettings.Range {
        var widened = range
        switch side {
        case .lower: widened.lower /= 100
        case .upper: widened.upper *= 100
        }
        return widened
    }
}
