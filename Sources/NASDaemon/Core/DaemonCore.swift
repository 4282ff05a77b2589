import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASSearch
import NASStore

/// The daemon's state machine: every run, every worker session, the queue and the leases.
///
/// The core is driven by batches of `DaemonEvent`s and answers with `DaemonAction`s. It runs on
/// one thread (the event loop's), makes blocking SQLite calls there, and is not `Sendable`. Each
/// batch runs inside one transaction per run store (group commit): the actions it returns — acks,
/// assignments, control replies — are only performed after those transactions committed, so a
/// worker is never told "acknowledged" about something that is not on disk, and a kill -9 at any
/// moment leaves the stores consistent with what anyone was told.
public final class DaemonCore {
    public let options: DaemonOptions
    let clock: @Sendable () -> Date
    let log: DaemonLogger

    var runs: [String: RunRuntime] = [:]
    var workers: [ConnectionID: WorkerSession] = [:]
    /// Connections that have not said hello yet, with when they connected.
    var handshaking: [ConnectionID: Date] = [:]
    /// The highest report sequence number seen per connection in this batch.
    var acknowledgements: [ConnectionID: UInt64] = [:]
    /// Actions of the batch in progress.
    var actions: [DaemonAction] = []
    /// No new dispatches (drain or shutdown).
    var isDraining = false
    var isShuttingDown = false
    /// Runs whose unreadable or deleted store has been logged (once each).
    var reportedUnreadableRuns: Set<String> = []

    /// How long a connection may take to say hello.
    static let handshakeTimeout: Double = 10

    /// Opens the state directory and resumes every unfinished run in it.
    ///
    /// A run whose store cannot be opened (failed integrity check, a schema from a newer build) or
    /// whose configuration this build cannot run is left untouched on disk and reported in the log;
    /// the others are served.
    ///
    /// - Throws: when the state directory itself cannot be listed.
    public init(options: DaemonOptions, clock: @escaping @Sendable () -> Date = { Date() }, log: DaemonLogger) throws {
        self.options = options
        self.clock = clock
        self.log = log
        for directory in try Self.runDirectories(in: options.stateDirectory) {
            do {
                if let run = try loadRun(at: directory) {
                    runs[run.name] = run
                    log("resumed run '\(run.name)': \(run.queue.count) queued, \(run.active.count) in flight")
                }
            } catch {
                log("error: run in \(directory.path) cannot be resumed and is left as it is: \(error)")
            }
        }
    }

    /// Names of runs with unfinished work, for progress displays.
    public var activeRunNames: [String] { runs.keys.sorted() }

    /// Processes one batch of events and returns what to do once it is durable.
    public func handle(_ events: [DaemonEvent]) -> [DaemonAction] {
        actions = []
        acknowledgements = [:]
        let now = clock()
        let stores = runs.values.sorted { $0.name < $1.name }.map(\.store)
        do {
            try Self.inTransactions(stores[...]) {
                for event in events {
                    handle(event, now: now)
                }
                superviseLeases(now: now)
                endFinishedRuns(now: now)
                dispatch(now: now)
                try saveChangedSnapshots()
            }
        } catch {
            // A failed COMMIT (disk full, I/O error): nothing of this batch is durable, so nothing
            // of it may be announced, and the in-memory state is ahead of the stores. Answer the
            // clients with the error and exit: a restart rebuilds everything from the stores, and
            // workers resend what was not acknowledged.
            log("error: could not commit a batch of \(events.count) events, exiting: \(error)")
            let failure = ControlResponse.error(
                ControlError(code: .internalError, message: "the daemon could not commit to its store: \(error)"))
            return actions.compactMap { action -> DaemonAction? in
                if case .reply(let reply, _) = action { return .reply(reply, failure) }
                return nil
            } + [.exit]
        }
        for (connection, seq) in acknowledgements.sorted(by: { $0.key < $1.key }) {
            actions.append(.send(connection, .ack(.init(seq: seq))))
        }
        runs = runs.filter { !$0.value.state.isTerminal }
        return actions
    }

    private func handle(_ event: DaemonEvent, now: Date) {
        switch event {
        case .workerConnected(let connection, _):
            handshaking[connection] = now
        case .workerMessage(let connection, let message):
            handleWorkerMessage(message, from: connection, now: now)
        case .workerDisconnected(let connection, let reason):
            workerDisconnected(connection, reason: reason)
        case .control(let request, let reply):
            actions.append(.reply(reply, handleControl(request, now: now)))
        case .tick:
            break
        case .shutdownRequested(let reason):
            beginShutdown(reason: reason, now: now)
        }
    }

    /// Runs `body` inside a transaction on every store (nested: the innermost commits first).
    private static func inTransactions(_ stores: ArraySlice<RunStore>, _ body: () throws -> Void) throws {
        guard let first = stores.first else { return try body() }
        try first.inTransaction { try inTransactions(stores.dropFirst(), body) }
    }

    private func saveChangedSnapshots() throws {
        for run in runs.values where run.strategyChanged {
            _ = try run.store.saveStrategySnapshot(try run.strategy.snapshot())
            run.strategyChanged = false
        }
    }

    /// Run directories under the state directory: folders holding a `run.sqlite`.
    static func runDirectories(in stateDirectory: URL) throws -> [URL] {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: stateDirectory.path) else { return [] }
        return try fileManager.contentsOfDirectory(at: stateDirectory, includingPropertiesForKeys: nil)
            .filter { fileManager.fileExists(atPath: $0.appendingPathComponent(RunStore.fileName).path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
