/// The exit statuses of every `nasd` command (docs/cli.md).
enum ExitStatus {
    static let success: Int32 = 0
    /// A runtime failure: a daemon unreachable, an I/O error, a failed run.
    static let failure: Int32 = 1
    /// Invalid input: a config, a curves file, a notation string.
    static let invalidInput: Int32 = 2
    /// The command line itself is wrong.
    static let usage: Int32 = 64
}

/// Errors that mean "your input is invalid" (exit status 2) rather than "something failed" (1).
protocol InvalidInputError: Error {}
