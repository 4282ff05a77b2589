import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASStore
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// Drives a `DaemonCore` the way the daemon would with one worker of one slot, for the
/// model-version tests of the stop rule and the prior: every assignment is trained epoch by epoch
/// (one report per batch, accuracies from `accuracy`), each fit the core asks for is run and its
/// result posted `fitDelay` batches later, and with `killAfter` the core is replaced by a fresh one
/// over the same state directory after that many batches, whether a job is in flight or the worker
/// idles (fits in flight are lost with it; the worker re-attaches its job).
enum OneWorkerRun {
    final class TestClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var now: Date { current.withLock { $0 } }
    }

    /// A random search named `p` over a small MetaQNN space, 6 epochs per trial, `trials` trials.
    static func configuration(trials: Int) -> String {
        """
        name: p
        seed: 23
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 5}
        strategy: {kind: random}
        training: {epochs: 6}
        trainer: {builtin: surrogate}
        end: {max_trials: \(trials)}
        """
    }

    /// A trial's recorded accuracy at an epoch: a deterministic function of its network.
    static func accuracy(of notation: String, epoch: Int, budget: Int) -> Double {
        let digest = SHA256.digest(of: Array(notation.utf8))
        let final = 0.4 + 0.5 * Double(digest[0]) / 255
        return final * (0.6 + 0.4 * Double(epoch) / Double(budget))
    }

    /// Runs the configuration (its run must be named `p`) to its end; with `killAfter`,
    /// `beforeRestart` is called with the state directory between the kill and the fresh core (to
    /// damage what the next core finds). `onFit` sees each fit job the core asks for.
    ///
    /// - Returns: how many fits the core asked for.
    @discardableResult
    static func run(
        configuration: String, in directory: URL, token: String = "tok", predictors: RunPredictors, fitDelay: Int,
        killAfter: Int? = nil, beforeRestart: (URL) throws -> Void = { _ in }, onFit: (FitJob) -> Void = { _ in },
        makeStrategy: @escaping @Sendable (RunConfiguration) throws -> any SearchStrategy = SearchSetup.makeStrategy,
        accuracy: (_ notation: String, _ epoch: Int, _ budget: Int) -> Double = OneWorkerRun.accuracy
    ) throws -> Int {
        let clock = TestClock()
        let makeCore = {
            try DaemonCore(
                options: DaemonOptions(
                    stateDirectory: directory, token: token, leaseTimeout: 30, version: "test",
                    makePredictors: { _ in predictors }, makeStrategy: makeStrategy),
                clock: .following { clock.now }, log: .silent)
        }
        var core = try makeCore()
        var pendingFits: [(due: Int, job: FitJob)] = []
        var batches = 0
        var fits = 0
        var connection = 0
        var seq: UInt64 = 0
        var assignments: [DaemonMessage.Assignment] = []
        var stopped: Set<String> = []

        func handle(_ events: [DaemonEvent]) -> [DaemonAction] {
            batches += 1
            let due = pendingFits.filter { $0.due <= batches }
            pendingFits.removeAll { $0.due <= batches }
            let actions = core.handle(events + due.map { $0.job.run() })
            for action in actions {
                switch action {
                case .fit(let job):
                    fits += 1
                    onFit(job)
                    pendingFits.append((batches + fitDelay, job))
                case .send(_, .assign(let assignment)):
                    assignments.append(assignment)
                case .send(_, .stopTrial(let stop)):
                    stopped.insert(stop.jobID)
                case .reply(let reply, let response):
                    reply(response)
                default:
                    break
                }
            }
            return actions
        }
        func hello() {
            connection += 1
            _ = handle([
                .workerConnected(ConnectionID(connection), peer: "t"),
                .workerMessage(
                    ConnectionID(connection),
                    .hello(.init(workerVersion: "test", token: token, workerID: "w", hostname: "h", slots: 1))),
            ])
        }
        _ = handle([
            .control(
                .submit(
                    configText: configuration, fileName: directory.appendingPathComponent("p.yaml").path, restart: false
                ),
                ControlReply { _ in })
        ])
        hello()
        var killed = false
        /// kill -9: a fresh core; the worker reconnects with its job in flight, if any.
        func kill(inFlight: [WorkerMessage.InFlightTrial]) throws {
            killed = true
            try beforeRestart(directory)
            core = try makeCore()
            pendingFits.removeAll()
            connection += 1
            _ = handle([
                .workerConnected(ConnectionID(connection), peer: "t"),
                .workerMessage(
                    ConnectionID(connection),
                    .hello(
                        .init(
                            workerVersion: "test", token: token, workerID: "w", hostname: "h", slots: 1,
                            inFlight: inFlight))),
            ])
        }
        /// Lets outstanding fits come back while the worker idles. (A trial waiting for the prior's
        /// model is dispatched on the batch after the fit arrives.)
        func idleUntilAssigned() throws {
            var idle = 0
            while assignments.isEmpty && idle < fitDelay + 3 {
                idle += 1
                _ = handle([.tick])
                // A kill while the worker idles (a strategy waiting for its model, say).
                if let killAfter, !killed, batches >= killAfter { try kill(inFlight: []) }
            }
        }
        // A prior whose first model is due before anything is trained (a transferred model) holds
        // the first candidates until its fit arrives.
        try idleUntilAssigned()
        while !assignments.isEmpty {
            let assignment = assignments.removeFirst()
            let id = ConnectionID(connection)
            let notation = assignment.spec.network.notation
            for epoch in (assignment.spec.startEpoch + 1)...assignment.spec.epochBudget
            where !stopped.contains(assignment.jobID) {
                seq += 1
                let accuracy = accuracy(notation, epoch, assignment.spec.epochBudget)
                _ = handle([
                    .workerMessage(
                        id,
                        .epochProgress(
                            .init(
                                jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                                runName: "p", record: EpochRecord(epoch: epoch, validationAccuracy: accuracy), seq: seq)
                        ))
                ])
                if let killAfter, !killed, batches >= killAfter {
                    try kill(
                        inFlight: [
                            .init(
                                jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                                runName: "p", lastEpochReported: epoch)
                        ])
                }
            }
            seq += 1
            _ = handle([
                .workerMessage(
                    ConnectionID(connection),
                    .complete(
                        .init(
                            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                            runName: "p",
                            summary: .init(
                                epochsCompleted: assignment.spec.epochBudget, finalAccuracy: 0, bestAccuracy: 0,
                                wallSeconds: 1),
                            seq: seq)))
            ])
            try idleUntilAssigned()

        }
        return fits
    }
}
