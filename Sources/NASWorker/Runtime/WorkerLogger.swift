import Foundation
import NASSystem

/// The worker's operator log: levelled logfmt lines (`LogLine`, `component=worker worker=<id>`) on
/// standard error, or wherever a `LogDestination` says. Trainer output is not logged here: it goes
/// to the trial's log on the daemon.
///
/// Tests pass a `sink` to collect the lines instead.
public struct WorkerLogger: Sendable {
    /// How much a line matters.
    public typealias Level = LogLevel

    /// The worker's identifier, shown in every line.
    public var workerID: String
    private let sink: @Sendable (LogLine) -> Void
    private let accepts: @Sendable (LogLevel) -> Bool

    /// Creates a logger.
    ///
    /// - Parameters:
    ///   - workerID: shown as `worker=<id>`.
    ///   - sink: receives each formatted line; standard error at info and above when omitted.
    public init(workerID: String, sink: (@Sendable (String) -> Void)? = nil) {
        self.workerID = workerID
        if let sink {
            self.sink = { sink($0.text) }
            self.accepts = { _ in true }
        } else {
            self.sink = { LogDestination.standardError.write($0) }
            self.accepts = { LogDestination.standardError.accepts($0) }
        }
    }

    /// Creates a logger writing to `destination` (`--verbose`, `--quiet`).
    public init(workerID: String, destination: LogDestination) {
        self.workerID = workerID
        self.sink = { destination.write($0) }
        self.accepts = { destination.accepts($0) }
    }

    /// Logs one line at a level.
    public func log(_ level: Level, _ message: String) {
        guard accepts(level) else { return }
        sink(LogLine(time: Date(), level: level, component: "worker", message: message, fields: [("worker", workerID)]))
    }

    /// Logs detail shown with `--verbose`.
    public func debug(_ message: String) { log(.debug, message) }

    /// Logs normal operation.
    public func info(_ message: String) { log(.info, message) }

    /// Logs a recovered problem.
    public func warning(_ message: String) { log(.warning, message) }

    /// Logs a problem the operator must fix.
    public func error(_ message: String) { log(.error, message) }
}
