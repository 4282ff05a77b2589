import Foundation
import NASCore
import NASNumerics
import NASSearch
import NASSystem

/// `nasd predict eval --predictor rnas`: the RNAS ranker measured on a curves file.
enum RNASEvaluationCommand {
    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let path = arguments.value("data") else {
            throw UsageError(command: arguments.command, message: "give the curves file with --data FILE")
        }
        guard arguments.value("train") != nil else {
            throw UsageError(command: arguments.command, message: "give the number of training rows with --train N")
        }
        let trainCount = try arguments.integer("train", default: 0)
        let seed = try PredictCommands.seedValue(arguments)
        var settings = RNASSettings()
        settings.epochs = try arguments.integer("epochs", default: settings.epochs, range: 1...100_000)
        settings.ensembleSize = try arguments.integer("ensemble", default: settings.ensembleSize, range: 1...100)
        let records = try PredictCommands.readCurves(path)
        let report: PredictorEvaluationReport
        do {
            report = try PredictorEvaluation.evaluateRNAS(
                records: records, trainCount: trainCount, seed: seed, settings: settings, parallelism: .automatic)
        } catch {
            if case .invalidArgument(let message) = error {
                throw UsageError(command: arguments.command, message: message)
            }
            throw EvaluationFailure(path: path, error: error)
        }
        if arguments.has("json") {
            try printJSON(report)
        } else {
            var table = TextTable(columns: ["", "R²", "MSE", "Kendall τ"])
            table.add([
                report.predictor, PredictCommands.format(report.r2), PredictCommands.format(report.mse),
                PredictCommands.format(report.kendallTau),
            ])
            table.add([
                report.baseline, PredictCommands.format(report.baselineR2), PredictCommands.format(report.baselineMSE),
                PredictCommands.format(report.baselineKendallTau),
            ])
            writeStandardOutput("trained on \(report.trainCount) rows, tested on \(report.testCount)")
            writeStandardOutput(table.render())
        }
        return ExitStatus.success
    }
}
