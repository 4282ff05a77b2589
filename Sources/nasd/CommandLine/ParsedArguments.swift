/// The arguments of one command after parsing against its `CommandSpec`.
struct ParsedArguments: Sendable {
    var command: CommandSpec
    var positionals: [String]
    var values: [String: String]
    var flags: Set<String>

    /// Parses `arguments` (the words after the command's path).
    ///
    /// - Throws: `UsageError` for an unknown option, a missing value or a wrong positional count.
    init(command: CommandSpec, arguments: [String]) throws(UsageError) {
        self.command = command
        positionals = []
        values = [:]
        flags = []
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if onlyPositionals || !word.hasPrefix("--") || word == "-" {
                positionals.append(word)
                continue
            }
            if word == "--" {
                onlyPositionals = true
                continue
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = command.options.first(where: { $0.name == name }) else {
                throw UsageError(command: command, message: "unknown option '--\(name)'")
            }
            if option.valueName == nil {
                guard inlineValue == nil else {
                    throw UsageError(command: command, message: "option '--\(name)' takes no value")
                }
                flags.insert(name)
            } else if let inlineValue {
                values[name] = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError(
                        command: command, message: "option '--\(name)' needs a value \(option.valueName ?? "")")
                }
                values[name] = arguments[index]
                index += 1
            }
        }
        let variadic = command.positionals.last?.hasSuffix("...") ?? false
        if positionals.count < command.requiredPositionals {
            let missing = command.positionals[positionals.count]
            throw UsageError(command: command, message: "missing argument \(missing)")
        }
        if !variadic && positionals.count > command.positionals.count {
            throw UsageError(
                command: command, message: "unexpected argument '\(positionals[command.positionals.count])'")
        }
    }

    /// Whether a flag was given.
    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// An option's value, if given.
    func value(_ name: String) -> String? { values[name] }

    /// A positional argument, if given.
    func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    /// An integer option, with a usage error when it is not an integer in range.
    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = 1...Int.max) throws(UsageError)
        -> Int
    {
        guard let text = values[name] else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                command: command,
                message: "option '--\(name)' expects an integer in \(range.lowerBound)...; found '\(text)'")
        }
        return number
    }
}

/// A command line that does not fit its command: exit status 64 with a one-line hint.
struct UsageError: Error, CustomStringConvertible {
    var command: CommandSpec?
    var message: String

    var description: String {
        let hint = command.map { "usage: \($0.usage) (see 'nasd \($0.name) --help')" } ?? "see 'nasd --help'"
        return "nasd: \(message)\n\(hint)"
    }
}
