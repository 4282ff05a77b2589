/// Why a socket could not be created, bound or connected, beyond a plain failed system call.
public enum SocketAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `HOST:PORT` text that does not parse.
    case invalidEndpoint(text: String, reason: String)
    /// The host name did not resolve.
    case unresolvableHost(host: String, detail: String)
    /// A Unix socket path longer than `sun_path` allows.
    case unixPathTooLong(path: String, length: Int, limit: Int)
    /// A live listener already owns this Unix socket path.
    case unixSocketInUse(path: String)
    /// Something that is not a socket sits at the Unix socket path.
    case notASocket(path: String)
    /// The connection attempt did not complete within the timeout.
    case connectTimedOut(endpoint: String, seconds: Double)

    /// What went wrong and, where there is one, what to do about it.
    public var description: String {
        switch self {
        case .invalidEndpoint(let text, let reason):
            return "invalid address '\(text)': \(reason)"
        case .unresolvableHost(let host, let detail):
            return "cannot resolve host '\(host)': \(detail)"
        case .unixPathTooLong(let path, let length, let limit):
            return "the Unix socket path '\(path)' is too long: \(length) bytes, but the limit (sun_path) is "
                + "\(limit) bytes; use a shorter --state-dir (for example /tmp/nasd)"
        case .unixSocketInUse(let path):
            return "another process is already listening on '\(path)'"
        case .notASocket(let path):
            return "'\(path)' exists and is not a socket; remove it or use another --state-dir"
        case .connectTimedOut(let endpoint, let seconds):
            return "connecting to \(endpoint) timed out after \(seconds) s"
        }
    }
}
