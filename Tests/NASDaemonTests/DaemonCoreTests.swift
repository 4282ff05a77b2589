import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// Stops every trial after its first epoch, predicting 0.2 ± 0.05; counts what it learned.
private struct StopAfterFirstEpoch: Pruner {
    var name: String { "stop-after-first" }
    func decide(candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?)
        -> PruneDecision
    {
        curve.lastEpoch >= 1 ? .stop(predicted: 0.2, sigma: 0.05, modelVersion: 3) : .proceed
    }
}

/// Stops every trial once it has reported epoch `epoch` or later, predicting its latest accuracy:
/// a trainer that reports every k-th epoch shows the epochs it reported, not their count.
private struct StopFromEpoch: Pruner {
    var epoch: Int
    var name: String { "stop-from-epoch" }
    func decide(candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?)
        -> PruneDecision
    {
        guard curve.lastEpoch >= epoch, let last = curve.values.last else { return .proceed }
        return .stop(predicted: last, sigma: 0.01)
    }
}

/// Vetoes every candidate whose proposal id is even (predicting 0.1); admits the others,
/// predicting 0.6.
private struct VetoEvenProposals: CandidateGate {
    var name: String { "veto-even" }
    func evaluate(_ candidate: Candidate, model: (any PredictorModel)?) -> GateDecision {
        candidate.proposalID % 2 == 0 ? .veto(predicted: 0.1, modelVersion: 2) : .admit(predicted: 0.6, modelVersion: 2)
    }
}

/// A clock the test moves by hand.
private final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Drives a `DaemonCore` with events, as the event loop would, and keeps what it answered.
private final class CoreHarness {
    let directory: URL
    let clock = ManualClock()
    var core: DaemonCore
    var replies: [ControlResponse] = []
    let token = "secret-token"

    init(leaseTimeout: Double = 5, predictors: RunPredictors = RunPredictors()) throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "core")
        core = try Self.makeCore(
            directory: directory, token: token, clock: clock, leaseTimeout: leaseTimeout, predictors: predictors)
    }

    static func makeCore(
        directory: URL, token: String, clock: ManualClock, leaseTimeout: Double,
        predictors: RunPredictors = RunPredictors()
    ) throws -> DaemonCore {
        try DaemonCore(
            options: DaemonOptions(
                stateDirectory: directory, token: token, leaseTimeout: leaseTimeout, version: "test",
                makePredictors: { _ in predictors }),
            clock: .following { clock.now }, log: .silent)
    }

    /// Simulates a daemon restart on the same state directory.
    func restart(leaseTimeout: Double = 5) throws {
        core = try Self.makeCore(directory: directory, token: token, clock: clock, leaseTimeout: leaseTimeout)
    }

    @discardableResult
    func send(_ events: [DaemonEvent]) -> [DaemonAction] {
        let collected = Mutex<[ControlResponse]>([])
        let actions = core.handle(events)
        for action in actions {
            if case .reply(let reply, let response) = action {
                reply(response)
                collected.withLock { $0.append(response) }
            }
            if case .appendLog(let url, let lines) = action {
                XCTAssertNoThrow(try TrialLogFile.append(lines, to: url))
            }
        }
        replies += collected.withLock { $0 }
        return actions
    }

    func control(_ request: ControlRequest) -> ControlResponse {
        let box = Mutex<ControlResponse?>(nil)
        send([.control(request, ControlReply { response in box.withLock { $0 = response } })])
        return box.withLock { $0 } ?? .error(ControlError(code: .internalError, message: "no reply"))
    }

    func submit(_ yaml: String) -> ControlResponse {
        control(.submit(configText: yaml, fileName: directory.appendingPathComponent("run.yaml").path, restart: false))
    }

    func hello(
        _ connection: Int, worker: String, slots: Int = 1, token: String? = nil,
        inFlight: [WorkerMessage.InFlightTrial] = []
    ) -> [DaemonAction] {
        send([
            .workerConnected(ConnectionID(connection), peer: "test"),
            .workerMessage(
                ConnectionID(connection),
                .hello(
                    .init(
                        workerVersion: "test", token: token ?? self.token, workerID: worker, hostname: "host",
                        slots: slots, inFlight: inFlight))),
        ])
    }

    func store(_ run: String) throws -> RunStore {
        try RunStore(runDirectory: directory.appendingPathComponent(run), mode: .mustExist)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func assignments(_ actions: [DaemonAction]) -> [(ConnectionID, DaemonMessage.Assignment)] {
    actions.compactMap {
        if case .send(let connection, .assign(let assignment)) = $0 { return (connection, assignment) }
        return nil
    }
}

private func messages(_ actions: [DaemonAction], to connection: Int) -> [DaemonMessage] {
    actions.compactMap {
        if case .send(let target, let message) = $0, target == ConnectionID(connection) { return message }
        return nil
    }
}

/// Whether `actions` send connection `connection` a `stopTrial`.
private func sendsStop(_ actions: [DaemonAction], to connection: Int) -> Bool {
    messages(actions, to: connection).contains { if case .stopTrial = $0 { return true } else { return false } }
}

private func config(name: String = "t", trials: Int = 3, epochs: Int = 2, attempts: Int = 3, extra: String = "")
    -> String
{
    """
    name: \(name)
    seed: 5
    space: {kind: metaqnn, filters: [16, 32], kernels: [1, 3], fc_sizes: [64], max_depth: 4}
    strategy: {kind: random}
    training: {epochs: \(epochs)}
    trainer: {builtin: surrogate}
    end: {max_trials: \(trials)}
    trial: {max_attempts: \(attempts)}
    \(extra)
    """
}

private func progress(_ assignment: DaemonMessage.Assignment, epoch: Int, accuracy: Double, seq: UInt64)
    -> WorkerMessage
{
    .epochProgress(
        .init(
            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
            runName: assignment.spec.runName, record: EpochRecord(epoch: epoch, validationAccuracy: accuracy), seq: seq)
    )
}

private func completion(_ assignment: DaemonMessage.Assignment, seq: UInt64) -> WorkerMessage {
    .complete(
        .init(
            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
            runName: assignment.spec.runName,
            summary: .init(epochsCompleted: 2, finalAccuracy: 0, bestAccuracy: 0, wallSeconds: 1), seq: seq))
}

final class DaemonCoreTests: XCTestCase {
    func testHello_withAWrongToken_isRefusedAndClosed() throws {
        let harness = try CoreHarness()
        let actions = harness.hello(1, worker: "w", token: "wrong")
        guard case .refused(let refusal) = messages(actions, to: 1).first else { return XCTFail("\(actions)") }
        XCTAssertEqual(refusal.code, .badToken)
        XCTAssertTrue(
            actions.contains { if case .close(ConnectionID(1), _) = $0 { return true } else { return false } })
    }

    func testHello_withAnotherProtocolVersion_isRefusedNamingBothVersions() throws {
        let harness = try CoreHarness()
        let actions = harness.send([
            .workerMessage(
                ConnectionID(1),
                .hello(
                    .init(
                        protocolVersion: 99, workerVersion: "9.9", token: harness.token, workerID: "w",
                        hostname: "h", slots: 1)))
        ])
        guard case .refused(let refusal) = messages(actions, to: 1).first else { return XCTFail("\(actions)") }
        XCTAssertEqual(refusal.code, .versionMismatch)
        XCTAssertTrue(refusal.message.contains("99"), refusal.message)
        XCTAssertTrue(refusal.message.contains("\(ProtocolVersion.current)"), refusal.message)
    }

    func testMessageBeforeHello_closesTheConnection() throws {
        let harness = try CoreHarness()
        let actions = harness.send([.workerMessage(ConnectionID(3), .ready(.init(freeSlots: 1)))])
        XCTAssertTrue(
            actions.contains { if case .close(ConnectionID(3), _) = $0 { return true } else { return false } })
    }

    func testRun_isTrainedToItsTrialLimit_andEveryEpochIsAcknowledgedAfterItIsStored() throws {
        let harness = try CoreHarness()
        guard case .ok = harness.submit(config(trials: 3)) else { return XCTFail("submit refused") }
        var actions = harness.hello(1, worker: "w1")
        var seq: UInt64 = 0
        var trained = 0
        while let (_, assignment) = assignments(actions).first {
            trained += 1
            XCTAssertEqual(assignment.spec.epochBudget, 2)
            XCTAssertEqual(assignment.trainer, .surrogate(epochDelay: 0))
            seq += 1
            actions = harness.send([
                .workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 0.5, seq: seq))
            ])
            XCTAssertTrue(messages(actions, to: 1).contains(.ack(.init(seq: seq))))
            let store = try harness.store("t")
            XCTAssertEqual(try store.curve(of: try XCTUnwrap(TrialID(assignment.spec.trialID))), [0.5])
            seq += 1
            _ = harness.send([
                .workerMessage(
                    ConnectionID(1), progress(assignment, epoch: 2, accuracy: 0.6 + 0.01 * Double(trained), seq: seq))
            ])
            seq += 1
            actions = harness.send([.workerMessage(ConnectionID(1), completion(assignment, seq: seq))])
            XCTAssertLessThanOrEqual(trained, 3, "never more trials than max_trials")
        }
        let store = try harness.store("t")
        XCTAssertEqual(try store.run()?.state, .finished)
        XCTAssertEqual(try store.trials(in: [.completed]).filter { $0.reusedFrom == nil }.count, 3)
        XCTAssertEqual(try store.bestTrial()?.finalAccuracy ?? 0, 0.63, accuracy: 1e-9)
        XCTAssertEqual(try store.unobservedProposals(), [], "the strategy saw every outcome")
        XCTAssertNotNil(try store.latestStrategySnapshot())
        let exported = try RunExport.curveRecords(of: store)
        XCTAssertEqual(exported.count, 3)
        XCTAssertTrue(exported.allSatisfy { $0.isComplete && $0.curve.count == 2 && $0.curve[0] == 0.5 })
        XCTAssertEqual(try CurvesFile.parse(try CurvesFile.format(exported)), exported)
    }

    func testExpiredLease_requeuesTheJob_toAnotherWorker_withTheNextAttempt() throws {
        let harness = try CoreHarness(leaseTimeout: 5)
        _ = harness.submit(config(trials: 1))
        let first = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        XCTAssertEqual(first.attempt, 1)
        _ = harness.send([.workerDisconnected(ConnectionID(1), reason: "killed")])
        XCTAssertTrue(assignments(harness.hello(2, worker: "w2")).isEmpty, "the job is still leased to w1")
        harness.clock.advance(by: 6)
        let actions = harness.send([.tick])
        let (connection, second) = try XCTUnwrap(assignments(actions).first)
        XCTAssertEqual(connection, ConnectionID(2))
        XCTAssertEqual(second.spec.trialID, first.spec.trialID)
        XCTAssertEqual(second.attempt, 2)
        XCTAssertEqual(second.spec.startEpoch, 0, "nothing was stored, so the retry starts afresh")
        // The first worker comes back and sends a late report from the first attempt: it is not
        // stored, and the worker is told to stop the job that is no longer its own.
        let rejoined = harness.hello(3, worker: "w1")
        XCTAssertTrue(assignments(rejoined).isEmpty || assignments(rejoined).allSatisfy { $0.1.jobID != first.jobID })
        let late = harness.send([.workerMessage(ConnectionID(3), progress(first, epoch: 1, accuracy: 0.4, seq: 1))])
        XCTAssertTrue(
            messages(late, to: 3).contains {
                if case .stopTrial(let stop) = $0 { return stop.jobID == first.jobID } else { return false }
            }, "\(late)")
        let store = try harness.store("t")
        let trialID = try XCTUnwrap(TrialID(first.spec.trialID))
        XCTAssertEqual(try store.curve(of: trialID), [], "the late report of attempt 1 changed nothing")
        XCTAssertEqual(try store.trials().count, 1, "the trial is counted once")
        XCTAssertEqual(try store.trial(trialID)?.attempts, 2)
        XCTAssertEqual(try store.trial(trialID)?.workerID, "w2")
        // Its log lines for the job it lost are not written either; w2's are.
        let logs = harness.directory.appendingPathComponent("t/logs/\(trialID.rawValue).log")
        _ = harness.send([
            .workerMessage(
                ConnectionID(3),
                .log(.init(jobID: "999", trialID: first.spec.trialID, runName: "t", lines: ["forged"])))
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: logs.path), "a job never leased to w1")
        _ = harness.send([
            .workerMessage(
                ConnectionID(2),
                .log(.init(jobID: second.jobID, trialID: second.spec.trialID, runName: "t", lines: ["ok"])))
        ])
        XCTAssertEqual(try String(contentsOf: logs, encoding: .utf8), "ok\n")
    }

    func testTrainerExitingBeforeItsBudget_isRetried_andEndsIncomplete_neverCompleted() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(trials: 1, epochs: 5, attempts: 2))
        var actions = harness.hello(1, worker: "w1")
        var seq: UInt64 = 0
        for attempt in 1...2 {
            let assignment = try XCTUnwrap(assignments(actions).first, "attempt \(attempt)").1
            XCTAssertEqual(assignment.attempt, attempt)
            for epoch in stride(from: assignment.spec.startEpoch + 1, through: 2, by: 1) {
                seq += 1
                _ = harness.send([
                    .workerMessage(ConnectionID(1), progress(assignment, epoch: epoch, accuracy: 0.5, seq: seq))
                ])
            }
            seq += 1
            actions = harness.send([.workerMessage(ConnectionID(1), completion(assignment, seq: seq))])
        }
        let store = try harness.store("t")
        let trial = try XCTUnwrap(try store.trials().first)
        XCTAssertEqual(trial.state, .incomplete)
        XCTAssertEqual(trial.attempts, 2)
        XCTAssertNil(trial.finalAccuracy, "a partial curve is never a final accuracy")
        XCTAssertTrue(
            trial.failureReason?.contains("2 of 5 epochs") ?? false, "\(String(describing: trial.failureReason))")
        XCTAssertNil(try store.bestTrial())
        XCTAssertNil(try store.findFinishedTrial(identityKey: trial.identityKey), "never reused as a finished network")
        XCTAssertEqual(try RunViews.trials(of: store, state: .incomplete).map(\.id), [trial.id.rawValue])
        let log = try String(
            contentsOf: harness.directory.appendingPathComponent("t/logs/\(trial.id.rawValue).log"), encoding: .utf8)
        XCTAssertTrue(log.contains("exited successfully after 2 of 5 epochs"), log)
        XCTAssertEqual(try store.unobservedProposals(), [], "the strategy learned it (as a failure)")
    }

    /// One MetaQNN trial at learning rate 0.01 with `diverged_restart` (threshold 0.15, factor 0.4,
    /// 2 tries) over `epochs` epochs.
    private func divergedRestartConfig(epochs: Int) -> String {
        """
        name: t
        seed: 5
        space: {kind: metaqnn, filters: [16, 32], kernels: [1, 3], fc_sizes: [64], max_depth: 4}
        strategy:
          kind: metaqnn
          epsilon_schedule: [{epsilon: 1.0, models: 1}]
          diverged_restart: {threshold: 0.15, factor: 0.4, tries: 2}
        training: {epochs: \(epochs), hyperparameters: {learning_rate: 0.01}}
        trainer: {builtin: surrogate}
        """
    }

    func testDivergedTrial_isRestartedWithASmallerLearningRate_thenFailsAfterItsTries() throws {
        let harness = try CoreHarness()
        _ = harness.submit(divergedRestartConfig(epochs: 3) + "\ntrial: {max_attempts: 1}")
        var actions = harness.hello(1, worker: "w1")
        var rates: [Double] = []
        var seq: UInt64 = 0
        for _ in 0..<3 {
            let assignment = try XCTUnwrap(assignments(actions).first, "\(actions)").1
            rates.append(assignment.spec.hyperparameters["learning_rate"] ?? -1)
            XCTAssertEqual(assignment.spec.startEpoch, 0, "a restart trains from scratch")
            seq += 1
            let reported = harness.send([
                .workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 0.1, seq: seq))
            ])
            XCTAssertTrue(
                messages(reported, to: 1).contains {
                    if case .stopTrial(let stop) = $0 { return stop.jobID == assignment.jobID } else { return false }
                })
            seq += 1
            actions =
                harness.send([
                    .workerMessage(
                        ConnectionID(1),
                        .fail(
                            .init(
                                jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                                runName: "t", reason: "stopped", logTail: [], seq: seq)))
                ]) + reported
        }
        XCTAssertEqual(rates.count, 3)
        XCTAssertEqual(rates[0], 0.01, accuracy: 1e-12)
        XCTAssertEqual(rates[1], 0.004, accuracy: 1e-12)
        XCTAssertEqual(rates[2], 0.0016, accuracy: 1e-12)
        let trial = try XCTUnwrap(try harness.store("t").trials().first)
        XCTAssertEqual(trial.state, .failed)
        XCTAssertEqual(trial.divergedRestarts, 2)
        XCTAssertTrue(trial.failureReason?.contains("diverged") ?? false, "\(String(describing: trial.failureReason))")
        XCTAssertEqual(try harness.store("t").curve(of: trial.id), [0.1], "only the last attempt's epoch is kept")
    }

    func testDivergedRule_readsTheFirstReport_ofATrainerThatReportsEveryThirdEpoch() throws {
        let harness = try CoreHarness()
        _ = harness.submit(divergedRestartConfig(epochs: 9))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        let reported = harness.send([
            .workerMessage(ConnectionID(1), progress(assignment, epoch: 3, accuracy: 0.1, seq: 1))
        ])
        XCTAssertTrue(
            sendsStop(reported, to: 1),
            "epoch 3 is this trainer's first report: the rule reads it")
        let trial = try XCTUnwrap(try harness.store("t").trials().first)
        XCTAssertEqual(trial.divergedRestarts, 1)
        XCTAssertEqual(trial.state, .queued)
        XCTAssertTrue(
            try harness.store("t").events().contains { $0.detail.contains("after epoch 3") },
            "the restart names the epoch it read")
    }

    func testWallClockJumps_changeNothing_leasesAndTimeoutsRunOnTheMonotonicClock() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "jump")
        defer { try? FileManager.default.removeItem(at: directory) }
        let wall = ManualClock()
        let steady = ManualClock()
        let core = try DaemonCore(
            options: DaemonOptions(stateDirectory: directory, token: "t0k", leaseTimeout: 5, version: "test"),
            clock: DaemonClock(wall: { wall.now }, monotonic: { steady.now.timeIntervalSince1970 }), log: .silent)
        let yaml = config(trials: 1, epochs: 3).replacingOccurrences(
            of: "trial: {max_attempts: 3}", with: "trial: {max_attempts: 3, timeout: 1h, no_progress_timeout: 10m}")
        _ = core.handle([
            .control(.submit(configText: yaml, fileName: "/tmp/x.yaml", restart: false), ControlReply { _ in })
        ])
        let actions = core.handle([
            .workerConnected(ConnectionID(1), peer: "p"),
            .workerMessage(
                ConnectionID(1),
                .hello(.init(workerVersion: "test", token: "t0k", workerID: "w", hostname: "h", slots: 1))),
        ])
        let assignment = try XCTUnwrap(assignments(actions).first).1
        for jump in [3_600.0, -7_200.0, 86_400.0] {
            wall.advance(by: jump)
            steady.advance(by: 1)
            let ticked = core.handle([
                .workerMessage(
                    ConnectionID(1),
                    .heartbeat(
                        .init(inFlight: [
                            .init(
                                jobID: assignment.jobID, attempt: 1, trialID: assignment.spec.trialID, runName: "t",
                                lastEpochReported: 0)
                        ])))
            ])
            XCTAssertFalse(
                ticked.contains { if case .send(_, .stopTrial) = $0 { true } else { false } },
                "a wall-clock step of \(jump) s neither expires the lease nor times the trial out")
        }
        let store = try RunStore(runDirectory: directory.appendingPathComponent("t"), mode: .mustExist)
        XCTAssertEqual(try store.trials(in: [.running]).count, 1)
        // The monotonic clock passing the lease does expire it.
        steady.advance(by: 6)
        _ = core.handle([.tick])
        XCTAssertEqual(try store.trials(in: [.queued]).count, 1)
    }

    func testTrainingTimeout_countsTrainingTimeAcrossDaemonRestarts() throws {
        let harness = try CoreHarness(leaseTimeout: 600)
        _ = harness.submit(
            config(trials: 1, epochs: 10).replacingOccurrences(
                of: "trial: {max_attempts: 3}", with: "trial: {max_attempts: 3, timeout: 100s}"))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        harness.clock.advance(by: 60)
        _ = harness.send([.workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 0.3, seq: 1))])
        let trialID = try XCTUnwrap(TrialID(assignment.spec.trialID))
        XCTAssertEqual(try harness.store("t").trial(trialID)?.trainingSeconds ?? 0, 60, accuracy: 1e-6)
        try harness.restart(leaseTimeout: 600)
        let inFlight = WorkerMessage.InFlightTrial(
            jobID: assignment.jobID, attempt: 1, trialID: assignment.spec.trialID, runName: "t", lastEpochReported: 1)
        _ = harness.hello(2, worker: "w1", inFlight: [inFlight])
        harness.clock.advance(by: 50)
        _ = harness.send([.tick])
        let trial = try XCTUnwrap(try harness.store("t").trial(trialID))
        XCTAssertEqual(trial.state, .failed, "60 s before the restart + 50 s after it exceed the 100 s timeout")
        XCTAssertTrue(trial.failureReason?.contains("training timeout") ?? false)
    }

    func testRetriedTrial_continuesAfterItsLastStoredEpoch() throws {
        let harness = try CoreHarness(leaseTimeout: 5)
        _ = harness.submit(config(trials: 1, epochs: 4))
        let first = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        _ = harness.send([.workerMessage(ConnectionID(1), progress(first, epoch: 1, accuracy: 0.2, seq: 1))])
        _ = harness.send([.workerMessage(ConnectionID(1), progress(first, epoch: 2, accuracy: 0.3, seq: 2))])
        _ = harness.send([.workerDisconnected(ConnectionID(1), reason: "killed")])
        _ = harness.hello(2, worker: "w2")
        harness.clock.advance(by: 6)
        let second = try XCTUnwrap(assignments(harness.send([.tick])).first).1
        XCTAssertEqual(second.attempt, 2)
        XCTAssertEqual(second.spec.startEpoch, 2)
        _ = harness.send([.workerMessage(ConnectionID(2), progress(second, epoch: 3, accuracy: 0.4, seq: 1))])
        _ = harness.send([.workerMessage(ConnectionID(2), progress(second, epoch: 4, accuracy: 0.5, seq: 2))])
        _ = harness.send([.workerMessage(ConnectionID(2), completion(second, seq: 3))])
        let trial = try XCTUnwrap(try harness.store("t").trials().first)
        XCTAssertEqual(trial.state, .completed)
        XCTAssertEqual(try harness.store("t").curve(of: trial.id), [0.2, 0.3, 0.4, 0.5])
    }

    func testTrialFailingEveryAttempt_failsWithTheReason() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(trials: 1, attempts: 2))
        var actions = harness.hello(1, worker: "w1")
        for seq in 1...2 {
            let assignment = try XCTUnwrap(assignments(actions).first).1
            actions = harness.send([
                .workerMessage(
                    ConnectionID(1),
                    .fail(
                        .init(
                            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                            runName: "t", reason: "exit status 3", logTail: ["boom"], seq: UInt64(seq))))
            ])
        }
        let store = try harness.store("t")
        let trial = try XCTUnwrap(try store.trials().first)
        XCTAssertEqual(trial.state, .failed)
        XCTAssertEqual(trial.attempts, 2)
        XCTAssertTrue(
            trial.failureReason?.contains("exit status 3") ?? false, "\(String(describing: trial.failureReason))")
        XCTAssertEqual(try store.run()?.state, .finished)
    }

    /// A failure the worker marks permanent (its trainer can never train this network) fails the
    /// trial on its first attempt, with `max_attempts` left; the run goes on to the next trial.
    func testPermanentFailure_isNotRetried() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(trials: 2, attempts: 3))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        let actions = harness.send([
            .workerMessage(
                ConnectionID(1),
                .fail(
                    .init(
                        jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                        runName: "t", reason: "no curve for [C(16,1,1), SM(10)]", logTail: [], permanent: true,
                        seq: 1)))
        ])
        let store = try harness.store("t")
        let trial = try XCTUnwrap(try store.trial(try XCTUnwrap(TrialID(assignment.spec.trialID))))
        XCTAssertEqual(trial.state, .failed)
        XCTAssertEqual(trial.attempts, 1)
        XCTAssertTrue(
            trial.failureReason?.contains("no curve for") == true
                && trial.failureReason?.contains("not retried") == true,
            "\(String(describing: trial.failureReason))")
        let next = try XCTUnwrap(assignments(actions).first, "the slot takes the next trial").1
        XCTAssertNotEqual(next.spec.trialID, assignment.spec.trialID)
        XCTAssertFalse(try store.events().contains { $0.kind == "trial.retry" })
    }

    func testNoProgressTimeout_failsATrainerThatHangs() throws {
        let harness = try CoreHarness(leaseTimeout: 60)
        _ = harness.submit(
            config(trials: 1, attempts: 3, extra: "").replacingOccurrences(
                of: "trial: {max_attempts: 3}", with: "trial: {max_attempts: 3, no_progress_timeout: 10s}"))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        harness.clock.advance(by: 11)
        let actions = harness.send([.workerMessage(ConnectionID(1), .heartbeat(.init(inFlight: [])))])
        XCTAssertTrue(
            messages(actions, to: 1).contains {
                if case .stopTrial(let stop) = $0 { return stop.jobID == assignment.jobID } else { return false }
            })
        let trial = try XCTUnwrap(try harness.store("t").trials().first)
        XCTAssertEqual(trial.state, .failed)
        XCTAssertTrue(trial.failureReason?.contains("no progress") ?? false)
    }

    func testRestart_resumesTheRun_andTheWorkerReattachesItsJob() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(trials: 2))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        _ = harness.send([.workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 0.3, seq: 1))])
        try harness.restart()
        let inFlight = WorkerMessage.InFlightTrial(
            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID, runName: "t",
            lastEpochReported: 1)
        let actions = harness.hello(7, worker: "w1", inFlight: [inFlight])
        guard case .welcome(let welcome) = messages(actions, to: 7).first else { return XCTFail("\(actions)") }
        XCTAssertEqual(welcome.reattachedJobIDs, [assignment.jobID])
        XCTAssertTrue(assignments(actions).isEmpty, "the only slot is busy with the re-attached job")
        _ = harness.send([.workerMessage(ConnectionID(7), progress(assignment, epoch: 2, accuracy: 0.7, seq: 2))])
        _ = harness.send([.workerMessage(ConnectionID(7), completion(assignment, seq: 3))])
        let trial = try XCTUnwrap(try harness.store("t").trial(try XCTUnwrap(TrialID(assignment.spec.trialID))))
        XCTAssertEqual(trial.state, .completed)
        XCTAssertEqual(trial.attempts, 1, "re-attached, not retrained")
        XCTAssertEqual(trial.finalAccuracy, 0.7)
    }

    func testSubmittingTheSameName_withAnotherSearch_isRefusedWithTheDifference() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config())
        guard case .error(let error) = harness.submit(config().replacingOccurrences(of: "seed: 5", with: "seed: 6"))
        else { return XCTFail("a different seed must be refused") }
        XCTAssertEqual(error.code, .conflict)
        XCTAssertTrue(error.message.contains("seed"), error.message)
    }

    /// A run stored before `final` was part of the search identity (its identity lacks the
    /// section) resumes with the section it was stored with, and is refused with another.
    func testRunStoredBeforeFinalCounted_resumesWithItsSection_andIsRefusedAnother() throws {
        let harness = try CoreHarness()
        let section = "final: {top_k: 2, epochs: 4}"
        let identityBefore = try RunConfiguration(yaml: config(), file: "run.yaml").searchIdentity
        for name in ["t", "u"] {
            let store = try RunStore(runDirectory: harness.directory.appendingPathComponent(name))
            _ = try store.createRun(
                NewRun(
                    name: name, configurationText: config(name: name, extra: section), searchIdentity: identityBefore))
        }
        guard case .ok = harness.submit(config(extra: section)) else {
            return XCTFail("the stored section must resume: \(harness.replies)")
        }
        guard case .error(let error) = harness.submit(config(name: "u", extra: "final: {top_k: 3, epochs: 4}")) else {
            return XCTFail("another final section must be refused")
        }
        XCTAssertEqual(error.code, .conflict)
        XCTAssertTrue(error.message.contains("final.top_k: 2 → 3"), error.message)
    }

    func testTwoRuns_shareSlotsByPriority() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(name: "a", trials: 20, extra: "priority: 1"))
        _ = harness.submit(config(name: "b", trials: 20, extra: "priority: 3"))
        let actions = harness.hello(1, worker: "w1", slots: 8)
        let runs = assignments(actions).map(\.1.spec.runName)
        XCTAssertEqual(runs.filter { $0 == "a" }.count, 2)
        XCTAssertEqual(runs.filter { $0 == "b" }.count, 6)
    }

    func testPruner_stopsATrialAtAnEpochBoundary_andTheStrategyLearnsThePrediction() throws {
        let harness = try CoreHarness(predictors: RunPredictors(pruner: StopAfterFirstEpoch()))
        _ = harness.submit(config(trials: 1, epochs: 5))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        let actions = harness.send([
            .workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 0.3, seq: 1))
        ])
        XCTAssertTrue(
            sendsStop(actions, to: 1))
        XCTAssertTrue(messages(actions, to: 1).contains(.ack(.init(seq: 1))))
        let store = try harness.store("t")
        let trial = try XCTUnwrap(try store.trials().first)
        XCTAssertEqual(trial.state, .stoppedEarly)
        XCTAssertEqual(trial.stopPrediction, Prediction(accuracy: 0.2, sigma: 0.05, modelVersion: 3))
        XCTAssertEqual(trial.stoppedAtEpoch, 1)
        XCTAssertNil(trial.priorPrediction, "the run has no prior")
        XCTAssertEqual(try store.unobservedProposals(), [])
    }

    func testPruner_readsTheEpochsATrainerReported_notHowManyReportsCame() throws {
        // Reports every 2nd epoch of a 10-epoch budget: the rule (stop from epoch 4) fires at the
        // second report, and the trial is stopped at epoch 4, not "epoch 2".
        let harness = try CoreHarness(predictors: RunPredictors(pruner: StopFromEpoch(epoch: 4)))
        _ = harness.submit(config(trials: 1, epochs: 10))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        _ = harness.send([.workerMessage(ConnectionID(1), progress(assignment, epoch: 2, accuracy: 0.3, seq: 1))])
        let store = try harness.store("t")
        XCTAssertEqual(try store.trials().first?.state, .running, "epoch 2 is before the rule's epoch 4")
        let actions = harness.send([
            .workerMessage(ConnectionID(1), progress(assignment, epoch: 4, accuracy: 0.35, seq: 2))
        ])
        XCTAssertTrue(
            sendsStop(actions, to: 1))
        let trial = try XCTUnwrap(try store.trials().first)
        XCTAssertEqual(trial.state, .stoppedEarly)
        XCTAssertEqual(trial.stoppedAtEpoch, 4)
        XCTAssertEqual(trial.stopPrediction?.accuracy, 0.35)
        XCTAssertEqual(try store.epochsSpent(), 4)
    }

    func testPruner_neverStopsATrialAtItsBudget_whenItReportsOnlyThere() throws {
        // One report, at the budget's last epoch: the trial is complete, not "stopped at epoch 1".
        let harness = try CoreHarness(predictors: RunPredictors(pruner: StopFromEpoch(epoch: 1)))
        _ = harness.submit(config(trials: 1, epochs: 6))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        let actions = harness.send([
            .workerMessage(ConnectionID(1), progress(assignment, epoch: 6, accuracy: 0.5, seq: 1))
        ])
        XCTAssertFalse(
            sendsStop(actions, to: 1))
        XCTAssertEqual(try harness.store("t").trials().first?.state, .running)
    }

    func testGate_vetoesCandidatesBeforeDispatch() throws {
        let harness = try CoreHarness(predictors: RunPredictors(gate: VetoEvenProposals()))
        _ = harness.submit(config(trials: 4))
        let dispatched = assignments(harness.hello(1, worker: "w1", slots: 4))
        let store = try harness.store("t")
        let vetoed = try store.trials(in: [.vetoed])
        XCTAssertFalse(vetoed.isEmpty)
        XCTAssertTrue(
            vetoed.allSatisfy {
                $0.priorPrediction == Prediction(accuracy: 0.1, modelVersion: 2) && $0.attempts == 0
                    && $0.stopPrediction == nil
            })
        XCTAssertEqual(dispatched.count + vetoed.filter { $0.reusedFrom == nil }.count, 4)
        let admitted = try store.trials(in: [.running, .queued])
        XCTAssertFalse(admitted.isEmpty)
        XCTAssertTrue(
            admitted.allSatisfy { $0.priorPrediction == Prediction(accuracy: 0.6, modelVersion: 2) },
            "every trial carries the prior's prediction, vetoed or not")
    }

    func testEpochWithAnAccuracyOutsideTheUnitInterval_isAcknowledgedButNotStored() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(trials: 1))
        let assignment = try XCTUnwrap(assignments(harness.hello(1, worker: "w1")).first).1
        let actions = harness.send([
            .workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 1.5, seq: 1))
        ])
        XCTAssertTrue(messages(actions, to: 1).contains(.ack(.init(seq: 1))))
        XCTAssertEqual(try harness.store("t").curve(of: try XCTUnwrap(TrialID(assignment.spec.trialID))), [])
    }

    func testCellSpaceRun_dispatchesCellSpecs_toTheReplayTrainer_andExportsCellRecords() throws {
        let harness = try CoreHarness()
        let yaml = """
            name: cells
            seed: 9
            space: {kind: cell, max_nodes: 5, max_edges: 6, ops: [conv3x3, maxpool3x3]}
            strategy: {kind: random}
            training: {epochs: 2}
            trainer: {builtin: replay, file: curves.jsonl}
            end: {max_trials: 4}
            """
        guard case .ok = harness.submit(yaml) else { return XCTFail("submit refused: \(harness.replies)") }
        var actions = harness.hello(1, worker: "w1")
        var seq: UInt64 = 0
        var trained: [Network] = []
        while let (_, assignment) = assignments(actions).first {
            let cell = try XCTUnwrap(assignment.spec.network.cell, "a cell space dispatches cells")
            XCTAssertLessThanOrEqual(cell.vertexCount, 5)
            XCTAssertLessThanOrEqual(cell.edgeCount, 6)
            XCTAssertFalse(cell.operations.contains(.conv1x1))
            XCTAssertEqual(
                assignment.trainer, .replay(path: harness.directory.appendingPathComponent("curves.jsonl").path))
            trained.append(assignment.spec.network)
            for epoch in 1...2 {
                seq += 1
                _ = harness.send([
                    .workerMessage(
                        ConnectionID(1),
                        progress(assignment, epoch: epoch, accuracy: 0.3 + 0.1 * Double(trained.count), seq: seq))
                ])
            }
            seq += 1
            actions = harness.send([.workerMessage(ConnectionID(1), completion(assignment, seq: seq))])
            XCTAssertLessThanOrEqual(trained.count, 4, "never more trials than max_trials")
        }
        XCTAssertEqual(trained.count, 4)
        XCTAssertEqual(Set(trained.map(\.canonicalHash)).count, 4, "isomorphic cells are one trial")
        let store = try harness.store("cells")
        XCTAssertEqual(try store.run()?.state, .finished)
        let completed = try store.trials(in: [.completed]).filter { $0.reusedFrom == nil }
        XCTAssertEqual(completed.count, 4)
        for trial in completed {
            let network = try Network(notation: trial.proposedNotation)
            XCTAssertEqual(trial.canonicalNotation, network.canonicalNotation)
            XCTAssertEqual(trial.canonicalNotation, try network.cell?.canonicalNotation())
        }
        let exported = try RunExport.curveRecords(of: store)
        XCTAssertEqual(exported.count, 4)
        let exportedHashes = try exported.map { record -> String? in
            guard case .cell(let recorded) = record.network else { return nil }
            return try recorded.cell().canonicalHash()
        }
        XCTAssertEqual(
            Set(exportedHashes), Set(trained.map { Optional($0.canonicalHash) }), "exported as cell records")
        XCTAssertEqual(try CurvesFile.parse(try CurvesFile.format(exported)), exported)
    }

    func testSpaceWithNothingNewLeft_endsTheRunInsteadOfReusingForever() throws {
        let harness = try CoreHarness()
        let tiny = """
            name: t
            seed: 1
            space: {kind: metaqnn, filters: [16], kernels: [1], pools: [[2, 2]], fc_sizes: [64], max_depth: 1}
            strategy: {kind: random}
            training: {epochs: 1}
            trainer: {builtin: surrogate}
            end: {max_trials: 100}
            """
        guard case .ok = harness.submit(tiny) else { return XCTFail("submit refused") }
        var actions = harness.hello(1, worker: "w1", slots: 1)
        var seq: UInt64 = 0
        var rounds = 0
        while let (_, assignment) = assignments(actions).first, rounds < 200 {
            rounds += 1
            seq += 1
            _ = harness.send([.workerMessage(ConnectionID(1), progress(assignment, epoch: 1, accuracy: 0.3, seq: seq))])
            seq += 1
            actions = harness.send([.workerMessage(ConnectionID(1), completion(assignment, seq: seq))])
            for _ in 0..<20 where assignments(actions).isEmpty { actions = harness.send([.tick]) }
        }
        let store = try harness.store("t")
        let run = try XCTUnwrap(try store.run())
        XCTAssertEqual(run.state, .finished)
        XCTAssertTrue(run.finishReason?.contains("exhausted") ?? false, "\(String(describing: run.finishReason))")
        XCTAssertLessThan(rounds, 10, "a depth-1 space has only a few networks")
        XCTAssertLessThanOrEqual(try store.trials().count, rounds + DaemonCore.duplicateProposalLimit)
    }

    func testRestart_withOneCorruptRunStore_resumesTheOthersAndLeavesItAlone() throws {
        let harness = try CoreHarness()
        _ = harness.submit(config(name: "good", trials: 2))
        _ = harness.submit(config(name: "bad", trials: 2))
        let badFile = harness.directory.appendingPathComponent("bad/run.sqlite")
        harness.core = try CoreHarness.makeCore(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID())"),
            token: harness.token, clock: harness.clock, leaseTimeout: 5)  // closes the stores
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: badFile)
        try? FileManager.default.removeItem(at: harness.directory.appendingPathComponent("bad/run.sqlite-wal"))
        try? FileManager.default.removeItem(at: harness.directory.appendingPathComponent("bad/run.sqlite-shm"))
        try harness.restart()
        XCTAssertEqual(harness.core.activeRunNames, ["good"])
        XCTAssertEqual(try Data(contentsOf: badFile), garbage, "the damaged store is left as it was")
        XCTAssertFalse(assignments(harness.hello(1, worker: "w1")).isEmpty, "the good run is served")
    }
}
