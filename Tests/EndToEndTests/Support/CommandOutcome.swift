import Foundation
import NASSystem

/// How a finished `nasd` command ended and what it printed.
struct CommandOutcome: Sendable, CustomStringConvertible {
    /// How the process ended.
    var status: ExitStatus
    /// Its standard output, one element per line.
    var standardOutput: [String]
    /// Its standard error, one element per line.
    var standardError: [String]

    /// The exit code, or `nil` when the process died by a signal.
    var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }

    /// Standard output joined with newlines.
    var outputText: String { standardOutput.joined(separator: "\n") }

    /// Standard error joined with newlines.
    var errorText: String { standardError.joined(separator: "\n") }

    /// Standard output decoded as JSON.
    func decodeOutput<Payload: Decodable>(_ type: Payload.Type) throws -> Payload {
        do {
            return try JSONDecoder().decode(type, from: Data(outputText.utf8))
        } catch {
            throw EndToEndError.undecodableOutput(command: description, reason: "\(error)")
        }
    }

    var description: String {
        "exit \(status); stdout: \(outputText.prefix(2000)); stderr: \(errorText.prefix(2000))"
    }
}
