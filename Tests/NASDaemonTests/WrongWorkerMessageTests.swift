import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

/// Worker messages that are well formed but wrong (issue 11, §2): a report for a lease the sender
/// does not hold, another worker's trial, epochs out of order or out of range, impossible
/// accuracies, paths that would escape the run directory. Each is refused or ignored without harm:
/// nothing is stored for it, and the honest worker's trial goes on.
final class WrongWorkerMessageTests: XCTestCase {
    private var directory: URL!
    private var core: DaemonCore!
    private let honest = ConnectionID(1)
    private let intruder = ConnectionID(2)

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "wrong")
        core = try DaemonCore(
            options: DaemonOptions(stateDirectory: directory, token: "t", leaseTimeout: 30, version: "test"),
            log: .silent)
        let config = """
            name: r
            space: {kind: metaqnn, filters: [16], kernels: [3], fc_sizes: [64], max_depth: 3}
            strategy: {kind: random}
            training: {epochs: 3}
            trainer: {builtin: surrogate}
            end: {max_trials: 1}

            """
        guard
            case .ok = try core.handleControl(
                .submit(configText: config, fileName: "r.yaml", restart: false), now: Moment(wall: Date(), elapsed: 0))
        else { throw SetupFailure("submit failed") }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func hello(_ connection: ConnectionID, worker: String) -> [DaemonAction] {
        core.handleWritingLogs([
            .workerConnected(connection, peer: "test"),
            .workerMessage(
                connection, .hello(.init(workerVersion: "test", token: "t", workerID: worker, hostname: "h", slots: 1))),
            .workerMessage(connection, .ready(.init(freeSlots: 1))),
        ])
    }

    private func progress(_ assignment: DaemonMessage.Assignment, epoch: Int, accuracy: Double, seq: UInt64)
        -> WorkerMessage
    {
        .epochProgress(
            .init(
                jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                runName: assignment.spec.runName, record: EpochRecord(epoch: epoch, validationAccuracy: accuracy),
                seq: seq))
    }

    private func curve() throws -> [Double] {
        let store = try XCTUnwrap(core.runs["r"]?.store)
        return try store.curve(of: try XCTUnwrap(TrialID("1")))
    }

    private func startHonestTrial() throws -> DaemonMessage.Assignment {
        let assigned = hello(honest, worker: "honest").compactMap { action -> DaemonMessage.Assignment? in
            if case .send(_, .assign(let assignment)) = action { return assignment }
            return nil
        }
        return try XCTUnwrap(assigned.first, "no trial was assigned")
    }

    func testAnotherWorkersTrial_isNotRecordedAndTheIntruderIsToldToStop() throws {
        let assignment = try startHonestTrial()
        _ = hello(intruder, worker: "intruder")
        let actions = core.handleWritingLogs([
            .workerMessage(intruder, progress(assignment, epoch: 1, accuracy: 0.9, seq: 1))
        ])
        XCTAssertEqual(try curve(), [], "an intruder's epoch was stored")
        XCTAssertTrue(
            actions.contains {
                if case .send(let connection, .stopTrial) = $0 { return connection == intruder }
                return false
            }, "the intruder was not told to stop: \(actions)")
        core.handleWritingLogs([.workerMessage(honest, progress(assignment, epoch: 1, accuracy: 0.4, seq: 1))])
        XCTAssertEqual(try curve(), [0.4], "the honest worker's epoch was lost")
    }

    func testAStaleJobID_isNotRecorded() throws {
        var assignment = try startHonestTrial()
        assignment.jobID = "999"
        core.handleWritingLogs([.workerMessage(honest, progress(assignment, epoch: 1, accuracy: 0.5, seq: 1))])
        XCTAssertEqual(try curve(), [])
    }

    func testImpossibleAccuraciesAndEpochs_areNotStored() throws {
        let assignment = try startHonestTrial()
        let wrong: [(Int, Double)] = [(1, 1.5), (1, -0.1), (1, .infinity), (1, .nan), (0, 0.5), (-3, 0.5), (4, 0.5)]
        for (index, (epoch, accuracy)) in wrong.enumerated() {
            core.handleWritingLogs([
                .workerMessage(honest, progress(assignment, epoch: epoch, accuracy: accuracy, seq: UInt64(index + 1)))
            ])
        }
        XCTAssertEqual(try curve(), [], "an impossible epoch was stored")
        core.handleWritingLogs([.workerMessage(honest, progress(assignment, epoch: 1, accuracy: 0.5, seq: 100))])
        XCTAssertEqual(try curve(), [0.5])
    }

    func testLogLinesForATrialTheSenderDoesNotHold_orWithAPathForAnID_writeNothing() throws {
        let assignment = try startHonestTrial()
        _ = hello(intruder, worker: "intruder")
        let logs = directory.appendingPathComponent("r").appendingPathComponent("logs")
        for trialID in ["../../../escaped", "/etc/passwd", "1/../../x", assignment.spec.trialID] {
            core.handleWritingLogs([
                .workerMessage(
                    intruder, .log(.init(jobID: assignment.jobID, trialID: trialID, runName: "r", lines: ["forged"])))
            ])
        }
        core.handleWritingLogs([
            .workerMessage(
                honest, .log(.init(jobID: assignment.jobID, trialID: "../x", runName: "../../r", lines: ["forged"])))
        ])
        let written = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        XCTAssertEqual(written, [], "log files written from messages that should be ignored")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("escaped.log").path))
        core.handleWritingLogs([
            .workerMessage(
                honest,
                .log(.init(jobID: assignment.jobID, trialID: assignment.spec.trialID, runName: "r", lines: ["mine"])))
        ])
        let log = try String(contentsOf: logs.appendingPathComponent("1.log"), encoding: .utf8)
        XCTAssertEqual(log, "mine\n")
    }
}
