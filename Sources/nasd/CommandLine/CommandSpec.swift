/// One command of the `nasd` executable: its words, its options and what it does.
struct CommandSpec: Sendable {
    /// The command's words after `nasd`, e.g. `["arch", "parse"]`.
    var path: [String]
    /// One line for the command list.
    var summary: String
    /// Positional arguments as shown in usage, e.g. `["NOTATION"]`; a trailing `...` takes the rest.
    var positionals: [String]
    /// How many positionals are required (the rest are optional).
    var requiredPositionals: Int
    /// The options this command accepts.
    var options: [OptionSpec]
    /// Longer help shown by `nasd <command> --help`.
    var discussion: String
    /// Runs the command and returns its exit status.
    var run: @Sendable (ParsedArguments) async throws -> Int32

    init(
        _ path: [String], summary: String, positionals: [String] = [], required: Int? = nil,
        options: [OptionSpec] = [], discussion: String = "",
        run: @escaping @Sendable (ParsedArguments) async throws -> Int32
    ) {
        self.path = path
        self.summary = summary
        self.positionals = positionals
        self.requiredPositionals = required ?? positionals.count
        self.options = options
        self.discussion = discussion
        self.run = run
    }

    var name: String { path.joined(separator: " ") }

    var usage: String {
        var parts = ["nasd", name]
        for (index, positional) in positionals.enumerated() {
            parts.append(index < requiredPositionals ? positional : "[\(positional)]")
        }
        if !options.isEmpty { parts.append("[options]") }
        return parts.joined(separator: " ")
    }

    var help: String {
        var lines = ["USAGE: \(usage)", "", summary]
        if !discussion.isEmpty { lines += ["", discussion] }
        let all = options + [OptionSpec.help]
        lines += ["", "OPTIONS:"]
        let width = all.map(\.synopsis.count).max() ?? 0
        for option in all {
            lines.append("  " + option.synopsis.padding(toLength: width + 2, withPad: " ", startingAt: 0) + option.help)
        }
        return lines.joined(separator: "\n")
    }
}

/// An option such as `--state-dir DIR` or the flag `--json`.
struct OptionSpec: Sendable, Hashable {
    /// The long name without dashes, e.g. `state-dir`.
    var name: String
    /// The value's placeholder, or nil for a flag.
    var valueName: String?
    var help: String

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    static let help = OptionSpec.flag("help", "Show this help.")

    var synopsis: String { valueName.map { "--\(name) \($0)" } ?? "--\(name)" }
}
