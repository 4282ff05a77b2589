import Foundation
import NASCore
import NASNumerics

/// Measures a learning-curve predictor on recorded curves (issue 8 §5, `nasd predict eval`):
/// train on N random complete rows, predict the final value of every other complete row from the
/// first part of its curve, and report R², MSE and Kendall τ-b beside the last-seen-value baseline.
///
/// A test row is observed for `max(1, round(fraction × T))` epochs, `T` its last recorded epoch
/// (rounding half away from zero), i.e. the points it recorded at those epochs. Pure: rows in,
/// report out; the split is a seeded shuffle.
public enum PredictorEvaluation {
    /// The observed prefix length, in epochs, of a row whose curve ends at `finalEpoch`.
    public static func observedEpochs(finalEpoch: Int, fraction: Double) -> Int {
        max(1, Int((fraction * Double(finalEpoch)).rounded(.toNearestOrAwayFromZero)))
    }

    /// Evaluates SRM.
    ///
    /// - Parameters:
    ///   - records: the curves file's rows; incomplete rows are ignored.
    ///   - trainCount: N, the number of complete rows to train on.
    ///   - observedFraction: the fraction of each test curve that is observed, in (0, 1].
    ///   - seed: seeds the split and the SRM fit.
    ///   - settings: the SRM settings.
    /// - Throws: `PredictorEvaluationError` for bad arguments, a row that cannot be analysed, or
    ///   an SRM that cannot be fitted or cannot predict a test row.
    public static func evaluateSRM(
        records: [CurveRecord], trainCount: Int, observedFraction: Double, seed: UInt64,
        settings: SRMSettings = SRMSettings()
    ) throws(PredictorEvaluationError) -> PredictorEvaluationReport {
        try evaluateSRMWithModels(
            records: records, trainCount: trainCount, observedFraction: observedFraction, seed: seed,
            settings: settings
        ).report
    }

    /// An SRM evaluation with what a reference implementation needs to repeat it: the fitted
    /// models and the split.
    public struct SRMOutcome: Sendable {
        /// The figures.
        public var report: PredictorEvaluationReport
        /// The fitted models, those the test rows are predicted with (their chosen
        /// hyperparameters and σ(τ) are what `nasd predict eval --models` prints).
        public var models: SequentialRegressionModels
        /// The training rows: 1-based positions among the records, with their features.
        public var training: [(row: Int, features: ConfigurationFeatures)]
        /// The test rows, likewise.
        public var testing: [(row: Int, features: ConfigurationFeatures)]
    }

    /// Evaluates SRM as `evaluateSRM` does and also returns the models and the split.
    public static func evaluateSRMWithModels(
        records: [CurveRecord], trainCount: Int, observedFraction: Double, seed: UInt64,
        settings: SRMSettings = SRMSettings()
    ) throws(PredictorEvaluationError) -> SRMOutcome {
        guard observedFraction > 0, observedFraction <= 1 else {
            throw .invalidArgument("the observed fraction must lie in (0, 1], not \(observedFraction)")
        }
        var examples: [(row: Int, example: LearningCurveExample)] = []
        for (index, record) in records.enumerated() {
            do {
                if let example = try LearningCurveExample(record: record) { examples.append((index + 1, example)) }
            } catch {
                throw .unusableRow(row: index + 1, id: record.id, reason: error.description)
            }
        }
        let (trainingRows, testingRows) = try split(examples, trainCount: trainCount, minimum: 1, seed: seed)
        let training = trainingRows.map(\.example)
        let testing = testingRows.map(\.example)

        // Only the models the test rows are predicted with are fitted (the longest served length
        // within each row's observed epochs): each is the model a full fit would give, and on long
        // curves most lengths would otherwise be fitted for nothing.
        let served = SequentialRegressionModels.servedPrefixLengths(examples: training, settings: settings)
            .map(\.prefixEpochs)
        var used = Set<Int>()
        for example in testing {
            let observed = observedEpochs(finalEpoch: example.finalEpoch, fraction: observedFraction)
            if let length = served.last(where: { $0 <= observed }) { used.insert(length) }
        }
        // No test row is served: the shortest model lets the prediction below say so.
        if used.isEmpty, let shortest = served.first { used.insert(shortest) }
        let models: SequentialRegressionModels
        do {
            models = try SequentialRegressionModels.fit(
                examples: training, settings: settings, seed: seed, prefixLengths: used)
        } catch {
            throw .predictor(error.description)
        }
        var predictions: [Double] = []
        var lastSeen: [Double] = []
        var targets: [Double] = []
        for example in testing {
            let observed = observedEpochs(finalEpoch: example.finalEpoch, fraction: observedFraction)
            let prefix = example.curve.truncated(toEpoch: observed)
            guard let last = prefix.values.last else {
                throw .predictor("a test curve records nothing by epoch \(observed)")
            }
            do {
                predictions.append(try models.predict(features: example.features, prefix: prefix).mean)
            } catch {
                throw .predictor(error.description)
            }
            lastSeen.append(last)
            targets.append(example.finalValue)
        }
        let predicted = try figures(predictions, targets)
        let baseline = try figures(lastSeen, targets)
        let report = PredictorEvaluationReport(
            predictor: "srm", r2: predicted.r2, mse: predicted.mse, kendallTau: predicted.tau,
            trainCount: training.count, testCount: testing.count, baseline: "last_seen", baselineR2: baseline.r2,
            baselineMSE: baseline.mse, baselineKendallTau: baseline.tau)
        return SRMOutcome(
            report: report, models: models, training: trainingRows.map { ($0.row, $0.example.features) },
            testing: testingRows.map { ($0.row, $0.example.features) })
    }

    /// The split of every `predict eval`: `trainCount` rows drawn at random (seeded by `seed`) to
    /// train on, the others to test on.
    ///
    /// - Throws: `.invalidArgument` unless `minimum ≤ trainCount` and at least one row is left to test.
    static func split<Row>(
        _ rows: [Row], trainCount: Int, minimum: Int, seed: UInt64
    ) throws(PredictorEvaluationError) -> (training: [Row], testing: [Row]) {
        guard trainCount >= minimum, trainCount < rows.count else {
            throw .invalidArgument(
                "--train must be at least \(minimum) and leave at least one of the \(rows.count) complete rows for "
                    + "testing; it is \(trainCount)")
        }
        var generator = SeededGenerator.derived(from: seed, stream: "predict-eval.split")
        let shuffled = rows.shuffled(using: &generator)
        return (Array(shuffled.prefix(trainCount)), Array(shuffled.dropFirst(trainCount)))
    }

    static func figures(_ predictions: [Double], _ targets: [Double]) throws(PredictorEvaluationError) -> (
        r2: Double?, mse: Double, tau: Double?
    ) {
        do {
            let r2 = try RegressionMetrics.coefficientOfDetermination(predictions: predictions, targets: targets)
            let mse = try RegressionMetrics.meanSquaredError(predictions: predictions, targets: targets)
            let tau = targets.count >= 2 ? try KendallTau.tauB(predictions, targets) : nil
            return (r2, mse, tau)
        } catch {
            throw .predictor("the metrics could not be computed: \(error)")
        }
    }
}

/// Why a predictor evaluation could not run.
public enum PredictorEvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An argument is out of range.
    case invalidArgument(String)
    /// Row `row` (1-based among the file's records) cannot be analysed.
    case unusableRow(row: Int, id: String?, reason: String)
    /// The predictor could not be fitted or could not predict.
    case predictor(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .unusableRow(let row, let id, let reason):
            return "row \(row)\(id.map { " (id \($0))" } ?? ""): \(reason)"
        case .predictor(let message): return message
        }
    }
}
