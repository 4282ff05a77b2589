/// Why an end-to-end helper gave up.
enum EndToEndError: Error, CustomStringConvertible {
    /// A condition polled for did not hold before its deadline.
    case timedOut(waitingFor: String, seconds: Double, last: String)
    /// A command's output was not the JSON expected.
    case undecodableOutput(command: String, reason: String)
    /// A command ran past its time limit and was killed.
    case commandTimedOut(arguments: [String], seconds: Double)
    /// A daemon did not announce its worker port.
    case daemonDidNotStart(output: String)

    var description: String {
        switch self {
        case .timedOut(let condition, let seconds, let last):
            return "timed out after \(seconds)s waiting for \(condition); last seen: \(last)"
        case .undecodableOutput(let command, let reason):
            return "could not decode the output of \(command): \(reason)"
        case .commandTimedOut(let arguments, let seconds):
            return "nasd \(arguments.joined(separator: " ")) ran past \(seconds)s"
        case .daemonDidNotStart(let output):
            return "the daemon did not start; its output: \(output)"
        }
    }
}
