import NASCore
import NASNumerics

extension PredictorEvaluation {
    /// Evaluates the RNAS ranker (issue 9 §5, `nasd predict eval --predictor rnas`): train on N random
    /// complete rows, score every other complete row from its architecture alone, and report Kendall
    /// τ-b beside the parameter-count baseline (predicted rank = parameter count).
    ///
    /// RNAS outputs a ranking score, not an accuracy; for R² and MSE the scores are mapped to
    /// accuracies by the least-squares line fitted on the training rows' scores (a monotone map, so
    /// τ is that of the scores). The baseline has no accuracy scale: its R² and MSE are null. A row's
    /// parameter count is its `params` field, else the count of its network (`ConfigurationFeatures`:
    /// the sequential analysis, `NASBench101Network` or `NASBench201Network`), as for Peephole.
    ///
    /// - Parameters:
    ///   - records: the curves file's rows; incomplete rows are ignored.
    ///   - trainCount: N.
    ///   - seed: seeds the split (the same stream as every `predict eval`) and the fit.
    ///   - settings: the ranker's settings.
    ///   - parallelism: threads for training and scoring (results do not depend on it).
    /// - Throws: `PredictorEvaluationError` (a file that mixes kinds of network among them, `rnasRows`).
    public static func evaluateRNAS(
        records: [CurveRecord], trainCount: Int, seed: UInt64, settings: RNASSettings = RNASSettings(),
        parallelism: Parallelism = .serial
    ) throws(PredictorEvaluationError) -> PredictorEvaluationReport {
        var rows: [(tensor: Tensor, target: Double, parameters: Double)] = []
        for row in try rnasRows(records) {
            do {
                let parameters = try ConfigurationFeatures(record: row.record).parameterCount
                rows.append((row.tensor, row.target, Double(parameters)))
            } catch {
                throw .unusableRow(row: row.row, id: row.record.id, reason: "\(error)")
            }
        }
        let (training, testing) = try split(rows, trainCount: trainCount, minimum: 2, seed: seed)
        let trainScores: [Double]
        let testScores: [Double]
        do {
            let model = try RNASRanker.fit(
                inputs: training.map(\.tensor), targets: training.map(\.target), settings: settings, seed: seed,
                parallelism: parallelism)
            let scorer = try model.makeScorer()
            trainScores = try scorer.scores(training.map(\.tensor), parallelism: parallelism)
            testScores = try scorer.scores(testing.map(\.tensor), parallelism: parallelism)
        } catch {
            throw .predictor(error.description)
        }
        let line = leastSquaresLine(trainScores, training.map(\.target))
        let predictions = testScores.map { line.intercept + line.slope * $0 }
        let targets = testing.map(\.target)
        let predicted = try figures(predictions, targets)
        let baselineTau = try figures(testing.map(\.parameters), targets).tau
        return PredictorEvaluationReport(
            predictor: "rnas", r2: predicted.r2, mse: predicted.mse, kendallTau: predicted.tau,
            trainCount: training.count, testCount: testing.count, baseline: "params", baselineR2: nil,
            baselineMSE: nil, baselineKendallTau: baselineTau)
    }

    /// The least-squares line `y ≈ intercept + slope·x` (slope 0 for constant x).
    static func leastSquaresLine(_ x: [Double], _ y: [Double]) -> (intercept: Double, slope: Double) {
        let count = Double(max(1, x.count))
        let meanX = x.reduce(0, +) / count
        let meanY = y.reduce(0, +) / count
        var covariance = 0.0
        var variance = 0.0
        for (xi, yi) in zip(x, y) {
            covariance += (xi - meanX) * (yi - meanY)
            variance += (xi - meanX) * (xi - meanX)
        }
        let slope = variance > 0 ? covariance / variance : 0
        return (meanY - slope * meanX, slope)
    }
}
