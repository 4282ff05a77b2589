import NASCore
import NASNumerics

extension PredictorEvaluation {
    /// A complete curves row as Peephole sees it, with the simple features of the references.
    public struct PeepholeRow: Sendable, Encodable {
        /// The 1-based position among the file's records.
        public var row: Int
        /// The example Peephole learns from or predicts.
        public var example: PeepholeExample
        /// The parameter count (the `params` baseline): recorded, or counted by NASCore
        /// (`ConfigurationFeatures`).
        public var parameters: Int
        /// The multiply-accumulates for the references' features: recorded, or counted for a
        /// sequential network; 0 when unknown.
        public var macs: Int
        /// How many codes of each type 1…12 the network has (index 0 is type 1).
        public var typeCounts: [Int]

        private enum CodingKeys: String, CodingKey {
            case row, parameters, macs
            case typeCounts = "type_counts"
            case accuracy
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(row, forKey: .row)
            try container.encode(parameters, forKey: .parameters)
            try container.encode(macs, forKey: .macs)
            try container.encode(typeCounts, forKey: .typeCounts)
            try container.encode(example.accuracy, forKey: .accuracy)
        }
    }

    /// Peephole's rows: every complete row as a Peephole example, with its parameter count for
    /// the baseline.
    ///
    /// - Throws: `PredictorEvaluationError.unusableRow` naming a row that cannot be encoded.
    public static func peepholeRows(_ records: [CurveRecord]) throws(PredictorEvaluationError) -> [PeepholeRow] {
        var rows: [PeepholeRow] = []
        for (index, record) in records.enumerated() {
            guard let target = record.target, let network = record.network.network else { continue }
            do {
                let example = try PeepholeExample(
                    network: network, input: record.input, epoch: record.lastEpoch, accuracy: target)
                let features = try ConfigurationFeatures(record: record)
                var counts = [Int](repeating: 0, count: UnifiedLayerCode.LayerType.allCases.count)
                for code in example.codes { counts[code.type.rawValue - 1] += 1 }
                rows.append(
                    PeepholeRow(
                        row: index + 1, example: example, parameters: features.parameterCount,
                        macs: record.flops ?? example.macs, typeCounts: counts))
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
        try evaluatePeepholeWithSplit(
            records: records, trainCount: trainCount, seed: seed, settings: settings, parallelism: parallelism
        ).report
    }

    /// A Peephole evaluation with its split, for a reference implementation to repeat it
    /// (`bench/peephole_forest.py`: a random forest on simple architecture features).
    public struct PeepholeOutcome: Sendable {
        /// The figures.
        public var report: PredictorEvaluationReport
        /// The training rows.
        public var trainingRows: [PeepholeRow]
        /// The test rows, in the order they were predicted.
        public var testingRows: [PeepholeRow]
    }

    /// Evaluates Peephole as `evaluatePeephole` does and also returns the split.
    public static func evaluatePeepholeWithSplit(
        records: [CurveRecord], trainCount: Int, seed: UInt64, settings: PeepholeSettings = PeepholeSettings(),
        parallelism: Parallelism = .serial
    ) throws(PredictorEvaluationError) -> PeepholeOutcome {
        let rows = try peepholeRows(records)
        let (training, testing) = try split(rows, trainCount: trainCount, minimum: 2, seed: seed)
        let predictions: [Double]
        do {
            let model = try PeepholeTrainer(settings: settings, seed: seed, parallelism: parallelism)
                .fit(training.map(\.example))
            predictions = try model.predict(testing.map(\.example))
        } catch {
            throw .predictor(error.description)
        }
        let targets = testing.map(\.example.accuracy)
        let predicted = try figures(predictions, targets)
        let baselineTau = try figures(testing.map { Double($0.parameters) }, targets).tau
        let report = PredictorEvaluationReport(
            predictor: "peephole", r2: predicted.r2, mse: predicted.mse, kendallTau: predicted.tau,
            trainCount: training.count, testCount: testing.count, baseline: "params", baselineR2: nil,
            baselineMSE: nil, baselineKendallTau: baselineTau)
        return PeepholeOutcome(report: report, trainingRows: training, testingRows: testing)
    }
}
