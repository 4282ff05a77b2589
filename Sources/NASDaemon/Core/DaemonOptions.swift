import Foundation
import NASConfig
import NASSearch

/// Settings of one daemon process.
public struct DaemonOptions: Sendable {
    /// The state directory: token, control socket, lock file, one directory per run.
    public var stateDirectory: URL
    /// The shared secret workers must present.
    public var token: String
    /// How long a dispatched job stays leased without hearing from its worker.
    public var leaseTimeout: Double
    /// How often workers send heartbeats (told to them in `welcome`).
    public var heartbeatInterval: Double
    /// This build's version, for handshakes.
    public var version: String
    /// How long to wait for a shutdown to let in-flight reports land before exiting anyway.
    public var shutdownGrace: Double
    /// Whether a shutdown gives running jobs back to the queue (the daemon's own local workers go
    /// down with it, as in `nasd run`) instead of leaving them for their workers to re-attach.
    public var requeueRunningOnShutdown: Bool
    /// Builds a run's pruning decision point and pre-dispatch gate from its configuration.
    public var makePredictors: @Sendable (RunConfiguration) throws -> RunPredictors
    /// Builds a run's strategy from its configuration (fresh; a snapshot is restored on top).
    public var makeStrategy: @Sendable (RunConfiguration) throws -> any SearchStrategy

    public init(
        stateDirectory: URL, token: String, leaseTimeout: Double = 30, heartbeatInterval: Double = 5,
        version: String, shutdownGrace: Double = 10, requeueRunningOnShutdown: Bool = false,
        makePredictors: @escaping @Sendable (RunConfiguration) throws -> RunPredictors = SearchSetup.makePredictors,
        makeStrategy: @escaping @Sendable (RunConfiguration) throws -> any SearchStrategy = SearchSetup.makeStrategy
    ) {
        self.makePredictors = makePredictors
        self.makeStrategy = makeStrategy
        self.stateDirectory = stateDirectory
        self.token = token
        self.leaseTimeout = leaseTimeout
        self.heartbeatInterval = heartbeatInterval
        self.version = version
        self.shutdownGrace = shutdownGrace
        self.requeueRunningOnShutdown = requeueRunningOnShutdown
    }
}
