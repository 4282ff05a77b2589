import Foundation
import NASConfig

/// `nasd config check FILE`.
enum ConfigCommands {
    static var all: [CommandSpec] { [check] }

    static let check = CommandSpec(
        ["config", "check"], summary: "Validate a run configuration without running it.", positionals: ["FILE"],
        discussion: "Prints a summary of the run when the file is valid; otherwise the first error as FILE:LINE:COL."
    ) { arguments in
        let configuration = try loadConfiguration(arguments.positionals[0])
        writeStandardOutput("\(arguments.positionals[0]): ok")
        for line in configuration.summary { writeStandardOutput("  " + line) }
        return ExitStatus.success
    }

    /// Reads and parses a configuration file.
    static func loadConfiguration(_ path: String) throws -> RunConfiguration {
        try RunConfiguration(yaml: try readConfigurationText(path), file: path)
    }

    /// Reads a configuration file's text, with an error that names the file.
    static func readConfigurationText(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UnreadableInput(path: path, reason: "\(error.localizedDescription)")
        }
    }
}

/// An input file that cannot be read.
struct UnreadableInput: InvalidInputError, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot read \(path): \(reason)" }
}

extension ConfigError: InvalidInputError {}
