import Foundation
import NASSystem

/// The daemon's operator log: levelled logfmt lines (`LogLine`) to a `LogDestination` — standard
/// error and `<state>/nasd.log` for `nasd serve`. Trainer output never goes here: it stays in the
/// per-trial logs.
public struct DaemonLogger: Sendable {
    private let sink: @Sendable (LogLine) -> Void
    private let accepts: @Sendable (LogLevel) -> Bool
    /// The `component=` field of this logger's lines.
    public private(set) var component: String

    /// A logger that hands every line to `sink` (tests collect them).
    public init(component: String = "daemon", sink: @escaping @Sendable (String) -> Void) {
        self.component = component
        self.sink = { sink($0.text) }
        self.accepts = { _ in true }
    }

    /// A logger writing to `destination`.
    public init(component: String = "daemon", destination: LogDestination) {
        self.component = component
        self.sink = { destination.write($0) }
        self.accepts = { destination.accepts($0) }
    }

    /// Info and above to standard error.
    public static let standardError = DaemonLogger(destination: .standardError)

    /// Discards everything.
    public static let silent = DaemonLogger(destination: .discard)

    /// The same destination under another component name (`http`, `control`, …).
    public func component(_ name: String) -> DaemonLogger {
        var copy = self
        copy.component = name
        return copy
    }

    /// Logs one line at `level`, with extra `key=value` fields.
    public func log(
        _ level: LogLevel, _ message: @autoclosure () -> String, _ fields: [(key: String, value: String)] = []
    ) {
        guard accepts(level) else { return }
        sink(LogLine(time: Date(), level: level, component: component, message: message(), fields: fields))
    }

    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }

    /// Logs a line whose level is read from its start: `error: …` and `warning: …` at those levels
    /// (the prefix dropped), anything else at info — the form the core's lines use.
    public func callAsFunction(_ message: @autoclosure () -> String) {
        let text = message()
        for level in [LogLevel.error, .warning] where text.hasPrefix(level.name + ": ") {
            return log(level, String(text.dropFirst(level.name.count + 2)))
        }
        log(.info, text)
    }
}
