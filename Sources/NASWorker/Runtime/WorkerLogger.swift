import Foundation
import NASSystem

/// The worker's operator log: one line per event on standard error, prefixed `[worker <id>]`.
///
/// Tests pass a `sink` to collect the lines instead.
public struct WorkerLogger: Sendable {
    /// How much a line matters.
    public enum Level: String, Sendable {
        /// Normal operation: connected, trial started, trial finished.
        case info
        /// Something went wrong and the worker recovered: a lost connection, a bad message.
        case warning
        /// Something the operator must fix: a refused handshake.
        case error
    }

    /// The worker's identifier, shown in every line.
    public var workerID: String
    private let sink: @Sendable (String) -> Void

    /// Creates a logger.
    ///
    /// - Parameters:
    ///   - workerID: shown as `[worker <id>]`.
    ///   - sink: receives each formatted line; standard error when omitted.
    public init(workerID: String, sink: (@Sendable (String) -> Void)? = nil) {
        self.workerID = workerID
        self.sink = sink ?? { line in StandardStream.error.write(line + "\n") }
    }

    /// Logs one line at a level.
    public func log(_ level: Level, _ message: String) {
        let marker = level == .info ? "" : "\(level.rawValue): "
        sink("[worker \(workerID)] \(marker)\(message)")
    }

    /// Logs normal operation.
    public func info(_ message: String) { log(.info, message) }

    /// Logs a recovered problem.
    public func warning(_ message: String) { log(.warning, message) }

    /// Logs a problem the operator must fix.
    public func error(_ message: String) { log(.error, message) }
}
