import Foundation

/// A `nasd serve` process started by a test, with where it listens.
struct DaemonInstance: Sendable {
    /// The process (its output is the daemon's log).
    var process: ManagedProcess
    /// Its state directory.
    var stateDirectory: URL
    /// The worker port it announced.
    var port: UInt16

    /// `HOST:PORT` for `nasd worker --connect`.
    var workerEndpoint: String { "127.0.0.1:\(port)" }

    /// The token file workers present.
    var tokenFile: String { stateDirectory.appendingPathComponent("token").path }
}
