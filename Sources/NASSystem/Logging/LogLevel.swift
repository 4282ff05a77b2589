/// How much a log line matters; a logger shows the lines at or above its threshold.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable {
    /// Detail for debugging (each dispatch, each connection): shown with `--verbose`.
    case debug
    /// Normal operation: a run created, a worker joined, a trial finished.
    case info
    /// Something went wrong and was recovered from: a lost worker, a bad message.
    case warning
    /// Something an operator must fix: a store that cannot be opened, a failed commit.
    case error

    /// The name written in the `level=` field.
    public var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
