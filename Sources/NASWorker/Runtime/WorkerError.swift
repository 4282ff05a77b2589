import NASProtocol
import NASSystem

/// Why a worker stopped without being told to.
public enum WorkerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The daemon refused the handshake for a reason that retrying cannot fix (a wrong token, a
    /// protocol version mismatch, a malformed hello).
    case refused(DaemonMessage.Refusal)
    /// `giveUpAfter` passed without a session with the daemon.
    case gaveUp(endpoint: SocketEndpoint, after: Duration, lastError: String)
    /// The token file could not be read, or is empty.
    case unreadableTokenFile(path: String, reason: String)
    /// The options cannot describe a worker (no slots, a negative GPU index).
    case invalidOptions(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .refused(let refusal):
            return "the daemon refused this worker: \(refusal.message) (\(refusal.code.rawValue))"
        case .gaveUp(let endpoint, let after, let lastError):
            return "gave up reaching the daemon at \(endpoint) after \(after.seconds) s: \(lastError)"
        case .unreadableTokenFile(let path, let reason):
            return "cannot read the token file \(path): \(reason)"
        case .invalidOptions(let reason):
            return "invalid worker options: \(reason)"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
