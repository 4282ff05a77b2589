import Foundation
import NASCore
import NASDaemon
import NASStore
import NASSystem

/// `nasd export RUN`: a run's curves as a curves file.
enum ExportCommand {
    static var all: [CommandSpec] { [export] }

    static let export = CommandSpec(
        ["export"], summary: "Write a run's trained curves as a curves file (JSON Lines).", positionals: ["RUN"],
        required: 0,
        options: [
            ControlSession.stateDirectoryOption, ControlSession.runDirectoryOption,
            .value("output", "FILE", "Write to FILE instead of standard output."),
        ],
        discussion: """
            One line per trained trial (docs/curves-format.md): completed trials with complete curves, trials \
            stopped early or failed as incomplete ones. Reads the run store directly, with or without a daemon.
            """
    ) { arguments in
        let directory: URL
        if let runDirectory = arguments.value("run-dir") {
            directory = URL(fileURLWithPath: runDirectory, isDirectory: true)
        } else {
            guard let name = arguments.positional(0) else {
                throw UsageError(command: arguments.command, message: "name a RUN or give --run-dir DIR")
            }
            guard StateDirectoryLayout.isValidRunName(name) else {
                throw UsageError(command: arguments.command, message: "'\(name)' is not a run name")
            }
            directory = ControlSession.stateDirectory(arguments).runDirectory(named: name)
        }
        let store = try RunStore(runDirectory: directory, mode: .mustExist)
        let text = try CurvesFile.format(try RunExport.curveRecords(of: store))
        if let output = arguments.value("output") {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            StandardStream.output.write(text)
        }
        return ExitStatus.success
    }
}
