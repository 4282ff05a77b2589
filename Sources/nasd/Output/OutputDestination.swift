import Foundation
import NASSystem

/// Where a command that produces a file writes it: `--out FILE` (or its older alias `--output`),
/// else standard output.
enum OutputDestination {
    /// The options every file-writing command takes.
    static let options: [OptionSpec] = [
        .value("out", "FILE", "Write to FILE (atomically) instead of standard output."),
        .value("output", "FILE", "Same as --out (kept for older scripts)."),
    ]

    /// The file named by `--out` or `--output`, if any.
    ///
    /// - Throws: `UsageError` when both are given with different files.
    static func path(_ arguments: ParsedArguments) throws(UsageError) -> String? {
        let out = arguments.value("out")
        let output = arguments.value("output")
        if let out, let output, out != output {
            throw UsageError(command: arguments.command, message: "--out and --output name different files")
        }
        return out ?? output
    }

    /// Writes `text` to the chosen file (replacing it atomically) or to standard output.
    ///
    /// - Returns: The path written, or nil for standard output.
    @discardableResult
    static func write(_ text: String, _ arguments: ParsedArguments) throws -> String? {
        guard let path = try path(arguments) else {
            StandardStream.output.write(text)
            return nil
        }
        do {
            try AtomicFile.write(Array(text.utf8), to: path, permissions: 0o644)
        } catch {
            throw UnwritableOutput(path: path, reason: "\(error)")
        }
        return path
    }
}

/// An output file that cannot be written: exit status 1.
struct UnwritableOutput: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot write \(path): \(reason)" }
}
