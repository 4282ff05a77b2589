import Foundation
import NASCore
import NASNumerics
import NASSearch

/// `nasd predict eval|svr-timing`: measuring learning-curve predictors on recorded curves.
enum PredictCommands {
    static var all: [CommandSpec] { [evaluate, train, svrTiming] }

    static let evaluate = CommandSpec(
        ["predict", "eval"], summary: "Measure a learning-curve predictor on a curves file (R², MSE, Kendall τ).",
        options: [
            .value(
                "predictor", "NAME",
                "The predictor: srm (sequential regression models, Baker et al. 2018), peephole (Deng et al. 2017) or "
                    + "rnas (architecture ranker, Xu et al. 2020)."),
            .value("data", "FILE", "The curves file (JSON Lines, docs/curves-format.md)."),
            .value("train", "N", "Train on N random complete rows; test on the other complete rows."),
            .value("observe", "FRACTION", "Observe max(1, round(FRACTION × T)) epochs of each test curve (0 < F ≤ 1)."),
            .value("seed", "S", "Seed of the split and the fit (default 0)."),
            .value(
                "search-count", "K", "Random-search candidates per SRM model (default \(SRMSettings().searchCount))."),
            .value(
                "search-sample", "N",
                "SRM: the most curves a model's hyperparameter search and σ use, a seeded sample above it; "
                    + "its ν-SVRs fit every curve (default \(SRMSettings().searchSampleLimit))."),
            .value("epochs", "E", "Peephole and RNAS: training epochs (default 100)."),
        ] + architectureTrainingOptions + [
            .value("threads", "T", "Peephole: threads for the matrix kernels (default 1; the result does not change)."),
            .flag(
                "models",
                "Also print each fitted model's prefix length, its best candidate's C, ν, γ and support vectors, σ, widenings and how many ν-SVRs it averages (text only; SRM fits only the models the test rows are predicted with)."
            ),
            .value(
                "split-out", "FILE",
                "Write the split and each row's features as JSON (bench/srm_reference.py; with peephole, "
                    + "parameters, MACs and layer-type counts for bench/peephole_forest.py)."),
            ArchCommands.jsonOption,
        ],
        discussion: """
            Reports R², MSE and Kendall τ-b of the predicted final accuracy on the test rows, beside the \
            last-seen-value baseline (the last observed accuracy taken as the final one). JSON keys: predictor, r2, \
            mse, kendall_tau, n_train, n_test, baseline, baseline_r2, baseline_mse, baseline_kendall_tau (null where \
            a figure is undefined). docs/early-stopping.md describes the model. With --predictor peephole the \
            final accuracy is predicted from the architecture alone (no --observe), beside the params baseline \
            (predicted rank = parameter count; only its τ is defined); docs/predictors.md describes it. With \
            --predictor rnas the ranker learns from the architecture alone too: baseline params, R² and MSE of the \
            scores mapped to accuracies by a least-squares line on the training rows (docs/rnas.md).
            """
    ) { arguments in
        let predictor = arguments.value("predictor") ?? "srm"
        if predictor == "rnas" { return try RNASEvaluationCommand.run(arguments) }
        guard predictor == "srm" || predictor == "peephole" else {
            throw UsageError(
                command: arguments.command, message: "--predictor expects srm, peephole or rnas; found '\(predictor)'")
        }
        if predictor == "peephole" { return try evaluatePeephole(arguments) }
        let (path, trainCount) = try evaluationInput(arguments)
        let fraction = try observedFraction(arguments)
        let seed = try seedValue(arguments)
        var settings = SRMSettings()
        settings.searchCount = try arguments.integer("search-count", default: settings.searchCount, range: 1...100_000)
        settings.searchSampleLimit = try arguments.integer(
            "search-sample", default: settings.searchSampleLimit, range: settings.minimumExamples...Int.max)
        let records = try readCurves(path)
        let outcome = try evaluating(arguments, path) { () throws(PredictorEvaluationError) in
            try PredictorEvaluation.evaluateSRMWithModels(
                records: records, trainCount: trainCount, observedFraction: fraction, seed: seed, settings: settings)
        }
        let report = outcome.report
        if let splitPath = arguments.value("split-out") {
            let split = EvaluationSplit(
                observe: fraction, train: outcome.training.map(EvaluationSplit.Row.init),
                test: outcome.testing.map(EvaluationSplit.Row.init))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(split).write(to: URL(fileURLWithPath: splitPath))
        }
        try write(report, arguments)
        if !arguments.has("json"), arguments.has("models") { writeStandardOutput(modelTable(outcome.models)) }
        return ExitStatus.success
    }

    private static func modelTable(_ models: SequentialRegressionModels) -> String {
        var table = TextTable(columns: ["τ", "curves", "C", "ν", "γ", "σ", "CV MSE", "widenings", "SVs", "averaged"])
        for model in models.models {
            let chosen = model.hyperparameters
            table.add([
                "\(model.prefixEpochs)", "\(model.exampleCount)", String(format: "%.3g", chosen.c),
                String(format: "%.3f", chosen.nu), chosen.gamma.map { String(format: "%.3g", $0) } ?? "—",
                String(format: "%.4f", model.sigma), String(format: "%.2e", model.crossValidatedMSE),
                "\(model.widenings)", "\(model.regressor.coefficients.count)", "\(model.runnersUp.count + 1)",
            ])
        }
        return table.render()
    }

    static let svrTiming = CommandSpec(
        ["predict", "svr-timing"], summary: "Time ν-SVR fits and predictions on a fixed synthetic problem.",
        options: [
            .value("points", "N", "Training points (default 100, the paper's figure)."),
            .value("features", "D", "Features per point (default 16)."),
            .value("repeats", "R", "Fits to time; the median is reported (default 50)."),
            ArchCommands.jsonOption,
        ],
        discussion: """
            Fits an RBF ν-SVR (C = 1, ν = 0.5, γ = 1/D, standardized features) to a deterministic smooth \
            problem R times and predicts every training point after each fit; prints the median fit time and the \
            median time per prediction. Baker et al. 2018 report 0.006 s and 0.00006 s for 100 points.
            """
    ) { arguments in
        let points = try arguments.integer("points", default: 100, range: 2...100_000)
        let dimension = try arguments.integer("features", default: 16, range: 1...10_000)
        let repeats = try arguments.integer("repeats", default: 50, range: 1...100_000)
        let (features, targets) = syntheticProblem(points: points, dimension: dimension)
        let regressor = NuSVR(c: 1, nu: 0.5, kernel: .rbf(gamma: 1 / Double(dimension)))
        let clock = ContinuousClock()
        var fitSeconds: [Double] = []
        var predictSeconds: [Double] = []
        var checksum = 0.0
        for _ in 0..<repeats {
            var model: NuSVRModel?
            fitSeconds.append(
                seconds(clock.measure { model = try? regressor.fit(features: features, targets: targets) }))
            guard let model else { throw TimingFailure() }
            let rows = features.rows
            let elapsed = clock.measure {
                for row in rows { checksum += model.predict(row) }
            }
            predictSeconds.append(seconds(elapsed) / Double(rows.count))
        }
        let timing = SVRTiming(
            points: points, features: dimension, repeats: repeats, fitSeconds: median(fitSeconds),
            predictSeconds: median(predictSeconds), checksum: checksum)
        if arguments.has("json") {
            try printJSON(timing)
        } else {
            writeStandardOutput(
                "ν-SVR, \(points) points × \(dimension) features: fit \(String(format: "%.3f", timing.fitSeconds * 1e3)) ms, "
                    + "predict \(String(format: "%.2f", timing.predictSeconds * 1e6)) µs (median of \(repeats))")
        }
        return ExitStatus.success
    }

    /// Peephole's settings: `PeepholeSettings.offline`, changed by `--epochs`, `--statistics`,
    /// `--standardize-targets`, `--cosine-decay`, `--batch-size`, `--minimum-steps` and
    /// `--averaged-fraction`.
    private static func peepholeSettings(_ arguments: ParsedArguments) throws(UsageError) -> PeepholeSettings {
        var settings = PeepholeSettings.offline
        settings.epochs = try arguments.integer("epochs", default: settings.epochs, range: 1...100_000)
        settings.globalStatistics = try onOff(arguments, "statistics", default: settings.globalStatistics)
        settings.standardizeTargets = try onOff(arguments, "standardize-targets", default: settings.standardizeTargets)
        settings.cosineDecay = try onOff(arguments, "cosine-decay", default: settings.cosineDecay)
        settings.batchSize = try arguments.integer("batch-size", default: settings.batchSize, range: 2...100_000)
        settings.minimumSteps = try arguments.integer(
            "minimum-steps", default: settings.minimumSteps, range: 0...10_000_000)
        if let text = arguments.value("averaged-fraction") {
            guard let fraction = Double(text), fraction >= 0, fraction <= 1 else {
                throw UsageError(
                    command: arguments.command,
                    message: "--averaged-fraction expects a number in [0, 1]; found '\(text)'")
            }
            settings.averagedFraction = fraction
        }
        return settings
    }

    /// An `on|off` option's value.
    private static func onOff(_ arguments: ParsedArguments, _ name: String, default value: Bool) throws(UsageError)
        -> Bool
    {
        switch arguments.value(name) {
        case nil: return value
        case "on": return true
        case "off": return false
        case let other?:
            throw UsageError(command: arguments.command, message: "--\(name) expects on or off; found '\(other)'")
        }
    }

    private static func evaluatePeephole(_ arguments: ParsedArguments) throws -> Int32 {
        let (path, trainCount) = try evaluationInput(arguments)
        let seed = try seedValue(arguments)
        let settings = try peepholeSettings(arguments)
        let threads = try arguments.integer("threads", default: 1, range: 1...256)
        let records = try readCurves(path)
        let outcome = try evaluating(arguments, path) { () throws(PredictorEvaluationError) in
            try PredictorEvaluation.evaluatePeepholeWithSplit(
                records: records, trainCount: trainCount, seed: seed, settings: settings,
                parallelism: Parallelism(threadCount: threads))
        }
        let report = outcome.report
        if let splitPath = arguments.value("split-out") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(["train": outcome.trainingRows, "test": outcome.testingRows])
                .write(to: URL(fileURLWithPath: splitPath))
        }
        try write(report, arguments)
        return ExitStatus.success
    }

    /// The architecture predictors' training switches, shared by `predict eval` and `predict train`.
    static let architectureTrainingOptions: [OptionSpec] = [
        .value(
            "statistics", "on|off",
            "Peephole: whether the MLP also reads the global statistics (log parameters, log MACs, depth, "
                + "code-type counts; nasd's extension, docs/predictors.md; default on)."),
        .value(
            "standardize-targets", "on|off",
            "Peephole: train on standardized accuracies (nasd's extension, docs/predictors.md; default on)."),
        .value(
            "cosine-decay", "on|off",
            "Peephole: decay the learning rate along a half cosine (nasd's extension, docs/predictors.md; "
                + "default on)."),
        .value(
            "batch-size", "N",
            "Peephole: networks per mini-batch (at least 2; default \(PeepholeSettings.offline.batchSize))."),
        .value(
            "minimum-steps", "N",
            "Peephole: more passes than --epochs when those give fewer than N optimizer steps (nasd's "
                + "extension, docs/predictors.md; default \(PeepholeSettings.offline.minimumSteps), "
                + "0 = exactly --epochs)."),
        .value(
            "averaged-fraction", "F",
            "Peephole: store the mean of the parameters over the last F of the passes (weight averaging, "
                + "nasd's extension, docs/predictors.md; default \(PeepholeSettings.offline.averagedFraction), "
                + "0 = the last pass)."),
        .value(
            "ensemble", "K",
            "RNAS: rankers trained with different seeds, their standardized scores averaged (default 1)."),
    ]

    static let train = CommandSpec(
        ["predict", "train"], summary: "Train an architecture predictor on a curves file and save the model.",
        options: [
            .value(
                "predictor", "NAME",
                "The predictor: peephole (Deng et al. 2017, the default) or rnas (architecture ranker, "
                    + "Xu et al. 2020)."),
            .value("data", "FILE", "The curves file (JSON Lines, docs/curves-format.md); its complete rows train."),
            .value(
                "out", "MODEL", "Where to write the model (JSON; prior.model and strategy.predictor_model read it)."),
            .value("seed", "S", "Seed of the initialization and the batch order (default 0)."),
            .value("epochs", "E", "Training passes over the networks (default 100)."),
        ] + architectureTrainingOptions + [
            .value("threads", "T", "Threads for the matrix kernels (default 1; the model does not change).")
        ],
        discussion: """
            Trains on every complete row (final-epoch accuracy as the target) and writes the versioned model file: \
            format nasd.peephole (docs/predictors.md) or nasd.rnas (docs/rnas.md). An RNAS model ranks one kind of \
            network, the first complete row's (sequential arch, NAS-Bench-101 cell or NAS-Bench-201 cell); a file \
            that mixes kinds is refused. The same data, seed and epochs give the same bytes.
            """
    ) { arguments in
        let predictor = arguments.value("predictor") ?? "peephole"
        guard predictor == "peephole" || predictor == "rnas" else {
            throw UsageError(
                command: arguments.command, message: "--predictor expects peephole or rnas; found '\(predictor)'")
        }
        guard let path = arguments.value("data"), let output = arguments.value("out") else {
            throw UsageError(command: arguments.command, message: "--data FILE and --out MODEL are required")
        }
        if predictor == "rnas" { return try trainRNAS(arguments, data: path, output: output) }
        let seed = try seedValue(arguments)
        let settings = try peepholeSettings(arguments)
        let threads = try arguments.integer("threads", default: 1, range: 1...256)
        let records = try readCurves(path)
        let rows: [PredictorEvaluation.PeepholeRow]
        do {
            rows = try PredictorEvaluation.peepholeRows(records)
        } catch let error as PredictorEvaluationError {
            throw EvaluationFailure(path: path, error: error)
        }
        let model: PeepholeModel
        do {
            model = try PeepholeTrainer(settings: settings, seed: seed, parallelism: Parallelism(threadCount: threads))
                .fit(rows.map(\.example))
        } catch {
            throw EvaluationFailure(path: path, error: .predictor("\(error)"))
        }
        try model.encoded().write(to: URL(fileURLWithPath: output), options: .atomic)
        writeStandardOutput("trained Peephole on \(rows.count) networks; wrote \(output)")
        return ExitStatus.success
    }

    /// `nasd predict train --predictor rnas`: the ranker on every complete row, as an `RNASModelFile`.
    private static func trainRNAS(_ arguments: ParsedArguments, data path: String, output: String) throws -> Int32 {
        let seed = try seedValue(arguments)
        var settings = RNASSettings()
        settings.epochs = try arguments.integer("epochs", default: settings.epochs, range: 1...100_000)
        settings.ensembleSize = try arguments.integer("ensemble", default: settings.ensembleSize, range: 1...100)
        let threads = try arguments.integer("threads", default: 1, range: 1...256)
        let records = try readCurves(path)
        let trained: (file: RNASModelFile, rows: Int)
        do {
            trained = try PredictorEvaluation.trainRNASModelFile(
                records: records, settings: settings, seed: seed, parallelism: Parallelism(threadCount: threads))
        } catch {
            throw EvaluationFailure(path: path, error: error)
        }
        try trained.file.encoded().write(to: URL(fileURLWithPath: output), options: .atomic)
        writeStandardOutput(
            "trained RNAS on \(trained.rows) networks (\(trained.file.networks.description)); wrote \(output)")
        return ExitStatus.success
    }

    // MARK: - Helpers

    /// The curves file (`--data`) and the number of training rows (`--train`) every evaluation needs.
    static func evaluationInput(_ arguments: ParsedArguments) throws -> (path: String, trainCount: Int) {
        guard let path = arguments.value("data") else {
            throw UsageError(command: arguments.command, message: "give the curves file with --data FILE")
        }
        guard arguments.value("train") != nil else {
            throw UsageError(command: arguments.command, message: "give the number of training rows with --train N")
        }
        return (path, try arguments.integer("train", default: 0))
    }

    /// Runs an evaluation of the curves file at `path`: an argument it refuses is a usage error, any
    /// other failure one of the file's.
    static func evaluating<Outcome>(
        _ arguments: ParsedArguments, _ path: String,
        _ evaluation: () throws(PredictorEvaluationError) -> Outcome
    ) throws -> Outcome {
        do {
            return try evaluation()
        } catch {
            if case .invalidArgument(let message) = error {
                throw UsageError(command: arguments.command, message: message)
            }
            throw EvaluationFailure(path: path, error: error)
        }
    }

    /// The report as JSON (`--json`) or as a table beside its baseline.
    static func write(_ report: PredictorEvaluationReport, _ arguments: ParsedArguments) throws {
        if arguments.has("json") {
            try printJSON(report)
            return
        }
        var table = TextTable(columns: ["", "R²", "MSE", "Kendall τ"])
        table.add([report.predictor, format(report.r2), format(report.mse), format(report.kendallTau)])
        table.add([
            report.baseline, format(report.baselineR2), format(report.baselineMSE), format(report.baselineKendallTau),
        ])
        writeStandardOutput("trained on \(report.trainCount) rows, tested on \(report.testCount)")
        writeStandardOutput(table.render())
    }

    private static func observedFraction(_ arguments: ParsedArguments) throws(UsageError) -> Double {
        guard let text = arguments.value("observe") else {
            throw UsageError(command: arguments.command, message: "give the observed fraction with --observe FRACTION")
        }
        guard let fraction = Double(text), fraction > 0, fraction <= 1 else {
            throw UsageError(
                command: arguments.command, message: "--observe expects a number in (0, 1]; found '\(text)'")
        }
        return fraction
    }

    static func seedValue(_ arguments: ParsedArguments) throws(UsageError) -> UInt64 {
        let text = arguments.value("seed") ?? "0"
        guard let seed = UInt64(text) else {
            throw UsageError(
                command: arguments.command, message: "--seed expects a non-negative integer; found '\(text)'")
        }
        return seed
    }

    static func readCurves(_ path: String) throws -> [CurveRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw UnreadableInput(path: path, reason: error.localizedDescription)
        }
        do {
            return try CurvesFile.parse(data)
        } catch {
            throw InvalidCurvesFile(path: path, error: error)
        }
    }

    static func format(_ value: Double?) -> String {
        value.map { String(format: "%.4f", $0) } ?? "—"
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// A smooth deterministic regression problem: points on a low-discrepancy grid in [0, 1]^D
    /// (golden-ratio sequences), target a sum of sines of the coordinates.
    private static func syntheticProblem(points: Int, dimension: Int) -> (Matrix, [Double]) {
        var values: [Double] = []
        var targets: [Double] = []
        for i in 0..<points {
            var row: [Double] = []
            for k in 0..<dimension {
                let step = (Double(k) + 1) * 0.618_033_988_749_894_9 + Double(k) * 0.414_213_562_373_095
                row.append((Double(i + 1) * step).truncatingRemainder(dividingBy: 1))
            }
            values.append(contentsOf: row)
            targets.append(
                row.enumerated().reduce(0) { $0 + sin(Double($1.offset + 1) * $1.element) } / Double(dimension))
        }
        let matrix =
            (try? Matrix(rowCount: points, columnCount: dimension, values: values))
            ?? Matrix(rowCount: 0, columnCount: 0)
        return (matrix, targets)
    }
}

/// `nasd predict eval --split-out FILE`: which rows trained and which tested, with the features
/// NASCore computed for each, so a reference implementation can repeat the evaluation exactly.
private struct EvaluationSplit: Encodable {
    struct Row: Encodable {
        /// The 1-based position of the row among the file's non-blank lines.
        var row: Int
        var parameters: Int
        var layers: Int
        var budget: Int
        var hyper: [String: Double]

        init(_ entry: (row: Int, features: ConfigurationFeatures)) {
            row = entry.row
            parameters = entry.features.parameterCount
            layers = entry.features.layerCount
            budget = entry.features.epochBudget
            hyper = entry.features.hyperparameters
        }
    }

    var observe: Double
    var train: [Row]
    var test: [Row]
}

/// `nasd predict svr-timing --json`.
private struct SVRTiming: Encodable {
    var points: Int
    var features: Int
    var repeats: Int
    var fitSeconds: Double
    var predictSeconds: Double
    /// The sum of every prediction, printed so the work cannot be optimized away.
    var checksum: Double

    enum CodingKeys: String, CodingKey {
        case points, features, repeats, checksum
        case fitSeconds = "fit_seconds"
        case predictSeconds = "predict_seconds"
    }
}

/// The synthetic timing problem could not be fitted (it always can; this reports a regression).
private struct TimingFailure: Error, CustomStringConvertible {
    var description: String { "the ν-SVR fit of the timing problem failed" }
}

/// A curves file whose rows cannot be evaluated (a network that cannot be analysed, too few rows).
struct EvaluationFailure: InvalidInputError, CustomStringConvertible {
    var path: String
    var error: PredictorEvaluationError
    var description: String { "\(path): \(error)" }
}
