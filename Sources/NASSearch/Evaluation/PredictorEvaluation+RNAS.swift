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
    /// parameter count is its `params` field, else the count of its network (`NASBench101Network`,
    /// the sequential analysis, or for a NAS-Bench-201 cell the sum over the 15 cells of the edges'
    /// parameters, which differs from the whole network's by a constant).
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
                let parameters = try row.record.parameters ?? parameterCount(of: row.network, input: row.record.input)
                rows.append((row.tensor, row.target, Double(parameters)))
            } catch {
                throw .unusableRow(row: row.row, id: row.record.id, reason: "\(error)")
            }
        }
        guard trainCount >= 2, trainCount < rows.count else {
            throw .invalidArgument(
                "--train must be at least 2 and leave at least one of the \(rows.count) complete rows for testing; "
                    + "it is \(trainCount)")
        }
        var generator = SeededGenerator.derived(from: seed, stream: "predict-eval.split")
        let shuffled = rows.shuffled(using: &generator)
        let training = Array(shuffled.prefix(trainCount))
        let testing = Array(shuffled.dropFirst(trainCount))
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
        let baselineTau: Double?
        do {
            baselineTau = try KendallTau.tauB(testing.map(\.parameters), targets)
        } catch {
            throw .predictor("the metrics could not be computed: \(error)")
        }
        return PredictorEvaluationReport(
            predictor: "rnas", r2: predicted.r2, mse: predicted.mse, kendallTau: predicted.tau,
            trainCount: training.count, testCount: testing.count, baseline: "params", baselineR2: nil,
            baselineMSE: nil, baselineKendallTau: baselineTau)
    }

    /// The trainable parameters of `network` (see `evaluateRNAS` for a NAS-Bench-201 cell).
    static func parameterCount(of network: Network, input: TensorShape) throws -> Int {
        switch network {
        case .sequential(let architecture): return try architecture.analyze(input: input).parameters
        case .cell(let cell): return try NASBench101Network().parameters(of: cell)
        case .nb201(let cell):
            let tensor = RNASFeatureTensor.nasBench201(cell)
            let plane = tensor.count / tensor.shape[0]
            let cells = (tensor.shape[0] - 1) / 2
            return Int(tensor.scalars[((1 + cells) * plane)...].reduce(0, +))
        }
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
