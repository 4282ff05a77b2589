/// Why a control request got no response.
public enum ControlClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing listens on the control socket: no daemon runs for this state directory.
    case daemonNotRunning(stateDirectory: String, socketPath: String)
    /// The socket could not be reached for another reason (a path too long, permission denied).
    case cannotConnect(socketPath: String, detail: String)
    /// The daemon closed the connection, or it failed, before answering.
    case noResponse(socketPath: String, detail: String)
    /// The daemon answered with something that is not a control response.
    case invalidResponse(socketPath: String, detail: String)

    /// One line for the CLI.
    public var description: String {
        switch self {
        case .daemonNotRunning(let stateDirectory, let socketPath):
            return "no daemon is running for state directory \(stateDirectory) (nothing listening at \(socketPath))"
        case .cannotConnect(let socketPath, let detail):
            return "cannot connect to the daemon at \(socketPath): \(detail)"
        case .noResponse(let socketPath, let detail):
            return "the daemon at \(socketPath) closed the connection without answering: \(detail)"
        case .invalidResponse(let socketPath, let detail):
            return "the daemon at \(socketPath) sent an invalid response: \(detail)"
        }
    }
}
