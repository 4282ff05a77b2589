import NASCore
import NASNumerics

extension PredictorEvaluation {
    /// Peephole's rows: every complete row as a Peephole example, with its parameter count for
    /// the baseline.
    ///
    /// - Throws: `PredictorEvaluationError.unusableRow` naming a row that cannot be encoded.
    public static func peepholeRows(
        _ records: [CurveRecord]
    ) throws(PredictorEvaluationError) -> [(row: Int, example: PeepholeExample, parameters: Int)] {
        var rows: [(row: Int, example: PeepholeExample, parameters: Int)] = []
        for (index, record) in records.enumerated() {
            guard let target = record.target, let network = record.network.network else { continue }
            do {
                let codes = try PeepholeEncoding.codes(for: network, input: record.input)
                let features = try ConfigurationFeatures(record: record)
                rows.append(
                    (index + 1, PeepholeExample(codes: codes, epoch: record.lastEpoch, accuracy: target),
                     features.parameterCount))
            } catch {
                throw .unusableRow(row: index + 1, id: record.id, reason: "\(error)")
            }
        }
        return rows
    }

    /// Evaluates Peephole (issue 9 §5): trains on `trainCount` random complete rows, predicts the
    /// final accuracy of every other complete row from its architecture alone, and reports R²,
    /// MSE and Kendall τ-b beside the `params` baseline (predicted rank = parameter count: only
    /// its τ is defined).
    ///
    /// - Throws: `PredictorEvaluationError` for bad arguments, a row that cannot be encoded, or a
    ///   fit that fails.
    public static func evaluatePeephole(
        records: [CurveRecord], trainCount: Int, seed: UInt64, settings: PeepholeSettings = PeepholeSettings(),
        parallelism: Parallelism = .serial
    ) throws(PredictorEvaluationError) -> PredictorEvaluationReport {
        let rows = try peepholeRows(records)
        guard trainCount >= 2, trainCount < rows.count else {
            throw .invalidArgument(
                "--train must be at least 2 and leave at least one of the \(rows.count) complete rows for testing; "
                    + "it is \(trainCount)")
        }
        var generator = SeededGenerator.derived(from: seed, stream: "predict-eval.split")
        let shuffled = rows.shuffled(using: &generator)
        let training = shuffled.prefix(trainCount)
        let testing = Array(shuffled.dropFirst(trainCount))
        let predictions: [Double]
        do {
            let model = try PeepholeTrainer(settings: settings, seed: seed, parallelism: parallelism)
                .fit(training.map(\.example))
            predictions = try model.predict(testing.map(\.example.codes), epochs: testing.map(\.example.epoch))
        } catch {
            throw .predictor(error.description)
        }
        let targets = testing.map(\.example.accuracy)
        let figures: (r2: Double?, mse: Double, tau: Double?, baselineTau: Double?)
        do {
            figures = (
                try RegressionMetrics.coefficientOfDetermination(predictions: predictions, targets: targets),
                try RegressionMetrics.meanSquaredError(predictions: predictions, targets: targets),
                targets.count >= 2 ? try KendallTau.tauB(predictions, targets) : nil,
                targets.count >= 2 ? try KendallTau.tauB(testing.map { Double($0.parameters) }, targets) : nil
            )
        } catch {
            throw .predictor("the metrics could not be computed: \(error)")
        }
        return PredictorEvaluationReport(
            predictor: "peephole", r2: figures.r2, mse: figures.mse, kendallTau: figures.tau,
            trainCount: training.count, testCount: testing.count, baseline: "params", baselineR2: nil,
            baselineMSE: nil, baselineKendallTau: figures.baselineTau)
    }
}
