import Foundation
import NASSystem

/// Finds the command named on the command line, parses its arguments, runs it, and maps the
/// outcome to an exit status.
struct CommandLineTool {
    var commands: [CommandSpec]
    var version: String

    func run(_ arguments: [String]) async -> Int32 {
        let words = Array(arguments.dropFirst())
        if words.isEmpty || words == ["--help"] || words == ["-h"] || words == ["help"] {
            writeStandardOutput(overview)
            return words.isEmpty ? ExitStatus.usage : ExitStatus.success
        }
        if words == ["--version"] {
            writeStandardOutput("nasd \(version)")
            return ExitStatus.success
        }
        guard let command = match(words) else {
            let group = words.prefix(while: { !$0.hasPrefix("-") })
            let known = commands.filter { $0.path.first == group.first }
            if !known.isEmpty, group.count == 1 || words.contains("--help") {
                writeStandardOutput(subcommandList(known))
                return words.contains("--help") ? ExitStatus.success : ExitStatus.usage
            }
            writeStandardError("nasd: unknown command '\(group.joined(separator: " "))'\nsee 'nasd --help'")
            return ExitStatus.usage
        }
        let rest = Array(words.dropFirst(command.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            writeStandardOutput(command.help)
            return ExitStatus.success
        }
        do {
            let parsed = try ParsedArguments(command: command, arguments: rest)
            return try await command.run(parsed)
        } catch let error as UsageError {
            writeStandardError(error.description)
            return ExitStatus.usage
        } catch let error as any InvalidInputError {
            writeStandardError("nasd: \(error)")
            return ExitStatus.invalidInput
        } catch {
            writeStandardError("nasd: \(error)")
            return ExitStatus.failure
        }
    }

    private func match(_ words: [String]) -> CommandSpec? {
        commands
            .filter { words.count >= $0.path.count && Array(words.prefix($0.path.count)) == $0.path }
            .max { $0.path.count < $1.path.count }
    }

    private var overview: String {
        var lines = [
            "nasd \(version) — neural-architecture-search orchestration daemon", "",
            "USAGE: nasd <command> [options]", "", "COMMANDS:",
        ]
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            lines.append(
                "  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary)
        }
        lines += ["", "See 'nasd <command> --help' for a command's options. Exit statuses: docs/cli.md."]
        return lines.joined(separator: "\n")
    }

    private func subcommandList(_ known: [CommandSpec]) -> String {
        (["USAGE:"] + known.map { "  \($0.usage)    \($0.summary)" }).joined(separator: "\n")
    }
}

/// Writes a line to standard output.
func writeStandardOutput(_ text: String) {
    StandardStream.output.write(text + "\n")
}

/// Writes a line to standard error.
func writeStandardError(_ text: String) {
    StandardStream.error.write(text + "\n")
}
