import Foundation
import NASCore
import NASNumerics
import NASSearch
import NASSystem

/// `nasd predict eval --predictor rnas`: the RNAS ranker measured on a curves file.
enum RNASEvaluationCommand {
    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let (path, trainCount) = try PredictCommands.evaluationInput(arguments)
        let seed = try PredictCommands.seedValue(arguments)
        var settings = RNASSettings()
        settings.epochs = try arguments.integer("epochs", default: settings.epochs, range: 1...100_000)
        settings.ensembleSize = try arguments.integer("ensemble", default: settings.ensembleSize, range: 1...100)
        let records = try PredictCommands.readCurves(path)
        let report = try PredictCommands.evaluating(arguments, path) { () throws(PredictorEvaluationError) in
            try PredictorEvaluation.evaluateRNAS(
                records: records, trainCount: trainCount, seed: seed, settings: settings, parallelism: .automatic)
        }
        try PredictCommands.write(report, arguments)
        return ExitStatus.success
    }
}
