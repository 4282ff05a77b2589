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
    let clock: DaemonClock
    let log: DaemonLogger

    var runs: [String: RunRuntime] = [:]
    var workers: [ConnectionID: WorkerSession] = [:]
    /// Connections that have not said hello yet, with when they connected (monotonic seconds).
    var handshaking: [ConnectionID: Double] = [:]
    /// The highest report sequence number seen per connection in this batch.
    var acknowledgements: [ConnectionID: UInt64] = [:]
    /// Actions of the batch in progress.
    var actions: [DaemonAction] = []
    /// The stores with the batch's transaction open, in the order they joined.
    var batchStores: [RunStore] = []
    /// Whether a batch is being handled (stores opened now join its transactions).
    var isHandlingBatch = false
    /// Called with every run store the core opens for a run it hosts (fault-injection tests
    /// install a `StoreFaultInjector` here).
    var storeOpened: ((RunStore) -> Void)?
    /// No new dispatches (drain or shutdown).
    var isDraining = false
    var isShuttingDown = false
    /// Hosted runs whose deleted store has been logged (once each).
    var reportedMissingStores: Set<String> = []

    /// How long a connection may take to say hello.
    static let handshakeTimeout: Double = 10

    /// Opens the state directory and resumes every unfinished run in it.
    ///
    /// A run whose store cannot be opened (failed integrity check, a schema from a newer build) or
    /// whose configuration this build cannot run is left untouched on disk and reported in the log;
    /// the others are served.
    ///
    /// - Throws: when the state directory itself cannot be listed.
    public init(options: DaemonOptions, clock: DaemonClock = .system, log: DaemonLogger) throws {
        self.options = options
        self.clock = clock
        self.log = log
        for directory in try StateDirectoryLayout(path: options.stateDirectory.path).storeDirectories() {
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
    ///
    /// Every store the batch touches is in one open transaction from the batch's start (a run
    /// created during the batch joins when its store is opened). A store failure anywhere — a
    /// write, a savepoint, a `COMMIT`, SQLite rolling a transaction back by itself after a full disk
    /// — fails the whole batch: everything is rolled back, nothing of the batch is announced (no
    /// acknowledgements, no assignments, control requests answered with the error), and the core
    /// asks to exit with the reason, because its in-memory state is now ahead of its stores. A
    /// restart rebuilds everything from the stores, and workers resend what was not acknowledged.
    public func handle(_ events: [DaemonEvent]) -> [DaemonAction] {
        actions = []
        acknowledgements = [:]
        batchStores = []
        isHandlingBatch = true
        defer { isHandlingBatch = false }
        let now = clock.read()
        do {
            for run in runs.values.sorted(by: { $0.name < $1.name }) {
                try joinBatch(run.store)
            }
            for event in events {
                try handle(event, now: now)
            }
            try superviseLeases(now: now)
            try endFinishedRuns(now: now)
            requestMissingFits()
            try dispatch(now: now)
            try saveChangedSnapshots()
            try commitBatch()
        } catch {
            for store in batchStores.reversed() { store.rollBackTransaction() }
            batchStores = []
            let reason = "could not commit a batch of \(events.count) events to the run stores: \(error)"
            log("error: \(reason); exiting (restart to resume from the stores)")
            let failure = ControlResponse.error(
                ControlError(code: .internalError, message: "the daemon could not commit to its store: \(error)"))
            var answers: [DaemonAction] = []
            for action in actions {
                switch action {
                case .reply(let reply, _): answers.append(.reply(reply, failure))
                case .describeHostedRuns(let reply, _): reply(nil)
                default: break
                }
            }
            return answers + [.exit(.storeFailure(reason))]
        }
        for (connection, seq) in acknowledgements.sorted(by: { $0.key < $1.key }) {
            actions.append(.send(connection, .ack(.init(seq: seq))))
        }
        if isShuttingDown { actions.append(.exit(.shutdown)) }
        runs = runs.filter { !$0.value.state.isTerminal }
        return actions
    }

    private func handle(_ event: DaemonEvent, now: Moment) throws {
        switch event {
        case .workerConnected(let connection, _):
            handshaking[connection] = now.elapsed
        case .workerMessage(let connection, let message):
            try handleWorkerMessage(message, from: connection, now: now)
        case .workerDisconnected(let connection, let reason):
            workerDisconnected(connection, reason: reason)
        case .control(let request, let reply):
            actions.append(.reply(reply, try handleControl(request, now: now)))
        case .hostedRuns(let reply):
            actions.append(.describeHostedRuns(reply, hostedRunSnapshots()))
        case .tick:
            break
        case .shutdownRequested(let reason):
            try beginShutdown(reason: reason, now: now)
        case .modelFitted(let fitted):
            try modelFitted(fitted, now: now)
        }
    }

    /// Opens the batch's transaction on `store` (once per batch).
    func joinBatch(_ store: RunStore) throws {
        guard !batchStores.contains(where: { $0 === store }) else { return }
        try store.beginTransaction()
        batchStores.append(store)
    }

    /// Commits every store of the batch. A failure part-way leaves the earlier stores committed,
    /// which is safe (each store is consistent by itself, and nothing is announced before all
    /// committed); the batch still fails as a whole.
    private func commitBatch() throws {
        while !batchStores.isEmpty {
            let store = batchStores[0]
            try store.commitTransaction()
            batchStores.removeFirst()
        }
    }

    private func saveChangedSnapshots() throws {
        for run in runs.values where run.strategyChanged {
            _ = try run.store.saveStrategySnapshot(try run.strategy.snapshot())
            run.strategyChanged = false
        }
    }
}
