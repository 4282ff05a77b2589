import Foundation
import NASConfig
import NASDaemon

/// `nasd config check FILE` and `nasd config reference`.
enum ConfigCommands {
    static var all: [CommandSpec] { [check, reference] }

    static let reference = CommandSpec(
        ["config", "reference"], summary: "Write the reference of every configuration key (Markdown).",
        options: OutputDestination.options,
        discussion: "Every key of a run configuration with its type, default and meaning, generated from the "
            + "configuration types; docs/config-reference.md is its output "
            + "('nasd config reference --out docs/config-reference.md'), and a test fails when that file is stale."
    ) { arguments in
        if let path = try OutputDestination.write(ConfigurationReference().markdown() + "\n", arguments) {
            writeStandardError("nasd: wrote the configuration reference to \(path)")
        }
        return ExitStatus.success
    }

    static let check = CommandSpec(
        ["config", "check"], summary: "Validate a run configuration without running it.", positionals: ["FILE"],
        discussion: "Runs every check the daemon makes before it accepts a run (the space is built and a few "
            + "networks are sampled from it). Prints a summary of the run when the file is valid; otherwise the "
            + "first error as FILE:LINE:COL."
    ) { arguments in
        let configuration = try loadConfiguration(arguments.positionals[0]).configuration
        writeStandardOutput("\(arguments.positionals[0]): ok")
        for line in configuration.summary { writeStandardOutput("  " + line) }
        return ExitStatus.success
    }

    /// Reads a configuration file and makes every check the daemon makes (`RunConfigurationCheck`).
    ///
    /// - Parameter readsReplayFile: whether a `builtin: replay` file is read to check it covers the
    ///   space (`nasd replay`, which replays its own `--data`, does not).
    /// - Returns: the file's text and its configuration.
    static func loadConfiguration(
        _ path: String, readsReplayFile: Bool = true
    ) throws -> (text: String, configuration: RunConfiguration) {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw UnreadableInput(path: path, reason: "\(error.localizedDescription)")
        }
        return try RunConfigurationCheck(readsReplayFile: readsReplayFile).check(bytes: bytes, file: path)
    }
}

/// An input file that cannot be read.
struct UnreadableInput: InvalidInputError, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot read \(path): \(reason)" }
}

extension ConfigError: InvalidInputError {}
