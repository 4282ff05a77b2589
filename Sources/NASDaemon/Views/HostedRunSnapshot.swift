import Foundation

/// What the daemon core knows of a run it hosts, for the read-only views (`status`, `trials`,
/// `best`, `logs`): its name and the live part of its status.
///
/// The core hands these out and nothing more; `DaemonControlHandler` reads the views from the
/// stores on its own connections, off the commit thread, so a `nasd status` or `nasd trials` of a
/// run with 100,000 trials never holds up the batch that acknowledges workers' reports. The stores
/// are read as last committed, which is what every worker and client has been told.
public struct HostedRunSnapshot: Hashable, Sendable {
    /// The run's name.
    public var name: String
    /// What only the running daemon knows: the strategy's phase and the workers serving the run.
    public var live: LiveRunInfo

    /// Creates a snapshot of a hosted run.
    public init(name: String, live: LiveRunInfo) {
        self.name = name
        self.live = live
    }
}
