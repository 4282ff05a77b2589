import Foundation
import NASSystem

/// Where the daemon writes its log lines (standard error by default; tests capture them).
public struct DaemonLogger: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Writes timestamped lines to standard error.
    public static let standardError = DaemonLogger { line in
        StandardStream.error.write(line + "\n")
    }

    /// Discards everything.
    public static let silent = DaemonLogger { _ in }

    public func callAsFunction(_ message: @autoclosure () -> String) {
        let stamp = Date().formatted(.iso8601.time(includingFractionalSeconds: true))
        sink("[nasd \(stamp)] \(message())")
    }
}
