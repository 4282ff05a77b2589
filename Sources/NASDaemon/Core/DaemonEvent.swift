import Foundation
import NASProtocol

/// Identifies one worker connection for the lifetime of the daemon process.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: Int

    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "connection \(rawValue)" }
}

/// Where the answer to one request posted to the core goes, once the batch that answered it
/// committed.
public struct DaemonReply<Answer: Sendable>: Sendable {
    private let deliver: @Sendable (Answer) -> Void

    public init(_ deliver: @escaping @Sendable (Answer) -> Void) {
        self.deliver = deliver
    }

    func callAsFunction(_ answer: Answer) {
        deliver(answer)
    }
}

/// Where the answer to one control request goes.
public typealias ControlReply = DaemonReply<ControlResponse>

/// Where the core's list of hosted runs goes (`DaemonEvent.hostedRuns`): `nil` when the daemon is
/// shutting down (the loop has stopped, or the batch failed).
public typealias HostedRunsReply = DaemonReply<[HostedRunSnapshot]?>

/// Something that happened outside the daemon core: it is the core's only input.
public enum DaemonEvent: Sendable {
    /// A worker connection was accepted.
    case workerConnected(ConnectionID, peer: String)
    /// A decoded message arrived on a worker connection.
    case workerMessage(ConnectionID, WorkerMessage)
    /// A worker connection ended (closed, reset, or a protocol error — `reason` says which).
    case workerDisconnected(ConnectionID, reason: String)
    /// A control request from the control socket.
    case control(ControlRequest, ControlReply)
    /// The control handler asks which runs the core hosts, to read their views off the commit
    /// thread (`HostedRunSnapshot`).
    case hostedRuns(HostedRunsReply)
    /// Time passed: check leases, timeouts, deadlines, and dispatch.
    case tick
    /// SIGTERM / SIGINT: drain and exit.
    case shutdownRequested(reason: String)
    /// A predictor's fit, run off the commit thread, finished.
    case modelFitted(FittedModel)
}

/// What the core asks the edges to do once a batch of events is durable.
public enum DaemonAction: Sendable {
    /// Send a message to a worker.
    case send(ConnectionID, DaemonMessage)
    /// Close a worker connection, logging why.
    case close(ConnectionID, reason: String)
    /// Answer a control request.
    case reply(ControlReply, ControlResponse)
    /// Tell the control handler which runs the core hosts (`DaemonEvent.hostedRuns`).
    case describeHostedRuns(HostedRunsReply, [HostedRunSnapshot])
    /// Fit a predictor's model off the commit thread, then post the event `FitJob.run()` returns.
    case fit(FitJob)
    /// Append lines to a trial's log file (`TrialLogFile.append`), in the order asked.
    case appendLog(URL, [String])
    /// Delete a checkpoint directory that no trial will resume from (docs/hyperband.md,
    /// "Checkpoints"), after the log lines asked before it; a directory that is absent (on a host
    /// that does not mount `trainer.checkpoint_root`, say) is left to its owner.
    case removeCheckpoints(URL)
    /// Nothing more will be done: exit, for the reason given.
    case exit(DaemonExit)
}

/// Why the daemon core asks to exit.
public enum DaemonExit: Sendable, Hashable {
    /// A requested shutdown; every run is snapshotted.
    case shutdown
    /// A batch could not be made durable (disk full, I/O error, a store made read-only): the
    /// daemon must exit with a failure status; restarting it resumes from the stores.
    case storeFailure(String)
}
