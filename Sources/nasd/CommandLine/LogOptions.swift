import NASSystem

/// `--verbose` and `--quiet`: how much of the operator log reaches standard error. The log file
/// (`<state>/nasd.log`) always gets info and above, and debug lines too with `--verbose`.
enum LogOptions {
    static let options: [OptionSpec] = [
        .flag("verbose", "Log debug detail as well (to standard error and the log file)."),
        .flag("quiet", "Only warnings and errors on standard error (the log file keeps everything)."),
    ]

    /// The threshold for standard error: debug with `--verbose`, warning with `--quiet`, else info.
    ///
    /// - Throws: `UsageError` when both flags are given.
    static func standardErrorThreshold(_ arguments: ParsedArguments) throws(UsageError) -> LogLevel {
        if arguments.has("verbose") && arguments.has("quiet") {
            throw UsageError(command: arguments.command, message: "--verbose and --quiet exclude each other")
        }
        return arguments.has("verbose") ? .debug : arguments.has("quiet") ? .warning : .info
    }

    /// A destination for standard error (unless `toStandardError` is false) and the log file `path`.
    static func destination(_ arguments: ParsedArguments, filePath: String?, toStandardError: Bool = true) throws
        -> LogDestination
    {
        let threshold = try standardErrorThreshold(arguments)
        let verbose = arguments.has("verbose")
        return try LogDestination(
            standardError: toStandardError ? threshold : (verbose ? .debug : nil), filePath: filePath,
            fileThreshold: verbose ? .debug : .info)
    }
}
