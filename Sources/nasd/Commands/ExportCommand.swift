import Foundation
import NASCore
import NASDaemon
import NASStore
import NASSystem

/// `nasd export RUN [--format jsonl|csv]`: a run's curves as a curves file, or every trial as CSV.
enum ExportCommand {
    static var all: [CommandSpec] { [export] }

    static let export = CommandSpec(
        ["export"], summary: "Write a run's trained curves (JSON Lines) or every trial (CSV).", positionals: ["RUN"],
        required: 0,
        options: [
            ControlSession.stateDirectoryOption, ControlSession.runDirectoryOption,
            .value("format", "FORMAT", "jsonl (default): the curves file; csv: one row per trial."),
        ] + OutputDestination.options,
        discussion: """
            jsonl: one line per trained trial (docs/curves-format.md): completed trials with complete curves, \
            trials stopped early or failed as incomplete ones — what the replay trainer and the predictors read. \
            csv: every trial with its state, predictions (prior and early stopping, with the predictor's model), \
            final and test accuracies, size and times (columns in docs/cli.md). Reads the run store directly, \
            with or without a daemon.
            """
    ) { arguments in
        let format = arguments.value("format") ?? "jsonl"
        guard format == "jsonl" || format == "csv" else {
            throw UsageError(command: arguments.command, message: "--format expects jsonl or csv; found '\(format)'")
        }
        let store = try RunStore(runDirectory: try runDirectory(arguments), mode: .mustExist)
        let text =
            format == "csv"
            ? try TrialTableExport.csv(of: store) : try CurvesFile.format(try RunExport.curveRecords(of: store))
        try OutputDestination.write(text, arguments)
        return ExitStatus.success
    }

    /// The run directory named by `--run-dir`, or by RUN in the state directory.
    static func runDirectory(_ arguments: ParsedArguments, positional index: Int = 0) throws -> URL {
        if let runDirectory = arguments.value("run-dir") {
            return URL(fileURLWithPath: runDirectory, isDirectory: true)
        }
        guard let name = arguments.positional(index) else {
            throw UsageError(command: arguments.command, message: "name a RUN or give --run-dir DIR")
        }
        return try runDirectory(named: name, arguments)
    }

    /// The directory of the run `name` in the state directory.
    static func runDirectory(named name: String, _ arguments: ParsedArguments) throws -> URL {
        guard StateDirectoryLayout.isValidRunName(name) else {
            throw UsageError(command: arguments.command, message: "'\(name)' is not a run name")
        }
        return ControlSession.stateDirectory(arguments).runDirectory(named: name)
    }
}
