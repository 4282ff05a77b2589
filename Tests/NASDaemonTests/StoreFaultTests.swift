import CSQLite
import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// Storage faults at every write the core makes (issue: "nothing acknowledged that is not
/// stored"): after each fault the batch is announced to nobody, the core asks to exit, and a
/// restarted core over the same state directory has every acknowledged report, counts no trial or
/// observation twice, passes `PRAGMA integrity_check`, and finishes the run.
final class StoreFaultTests: XCTestCase {
    private let token = "secret-token"
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private let configuration = """
        name: faults
        seed: 11
        space: {kind: metaqnn, filters: [16, 32], kernels: [1, 3], fc_sizes: [64], max_depth: 4}
        strategy: {kind: random}
        training: {epochs: 2}
        trainer: {builtin: surrogate}
        end: {max_trials: 3}
        trial: {max_attempts: 3}
        """

    /// A clock the scenario moves by hand.
    private final class TestClock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date) { current = Mutex(start) }
        var now: Date { current.withLock { $0 } }
        func advance(by seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// A core over `directory` with a clock the scenario moves; `faults` goes on every run store.
    private final class Scenario {
        let directory: URL
        let time: TestClock
        var core: DaemonCore
        /// Reports the core acknowledged: (trial, epoch) → accuracy.
        var acknowledged: [String: Double] = [:]
        /// The exit the core asked for, if it did.
        var exit: DaemonExit?
        var seq: UInt64 = 0
        var connection = 0

        init(directory: URL, token: String, start: Date, faults: StoreFaultInjector?) throws {
            self.directory = directory
            let time = TestClock(start)
            self.time = time
            core = try Self.makeCore(directory: directory, token: token, time: time, faults: faults)
        }

        static func makeCore(directory: URL, token: String, time: TestClock, faults: StoreFaultInjector?) throws
            -> DaemonCore
        {
            let core = try DaemonCore(
                options: DaemonOptions(stateDirectory: directory, token: token, leaseTimeout: 5, version: "test"),
                clock: .following { time.now }, log: .silent)
            if let faults {
                core.storeOpened = { store in store.database.faultInjector = faults }
                for run in core.runs.values { run.store.database.faultInjector = faults }
            }
            return core
        }

        /// Handles one batch; returns the actions unless the core asked to exit.
        func send(_ events: [DaemonEvent], reports: [(String, Int, Double, UInt64)] = []) -> [DaemonAction]? {
            let actions = core.handle(events)
            for action in actions {
                if case .exit(let reason) = action, case .storeFailure = reason { exit = reason }
                if case .reply(let reply, let response) = action { reply(response) }
            }
            let acks = actions.compactMap { action -> UInt64? in
                if case .send(_, .ack(let ack)) = action { return ack.seq }
                return nil
            }
            if exit != nil {
                XCTAssertTrue(acks.isEmpty, "a failed batch acknowledges nothing")
                XCTAssertFalse(actions.contains { if case .send(_, .assign) = $0 { true } else { false } })
                return nil
            }
            if let highest = acks.max() {
                for (trial, epoch, accuracy, seq) in reports where seq <= highest {
                    acknowledged["\(trial)/\(epoch)"] = accuracy
                }
            }
            return actions
        }

        func hello(worker: String, slots: Int, token: String) -> [DaemonAction]? {
            connection += 1
            let id = ConnectionID(connection)
            return send([
                .workerConnected(id, peer: "test"),
                .workerMessage(
                    id,
                    .hello(.init(workerVersion: "test", token: token, workerID: worker, hostname: "h", slots: slots))),
            ])
        }

        /// Trains every assignment to the end, one report per batch, until the run ends or the
        /// core asks to exit.
        func trainUntilDone(firstActions: [DaemonAction]) {
            var pending = firstActions.compactMap { action -> DaemonMessage.Assignment? in
                if case .send(_, .assign(let assignment)) = action { return assignment }
                return nil
            }
            let id = ConnectionID(connection)
            while !pending.isEmpty {
                let assignment = pending.removeFirst()
                var newActions: [DaemonAction] = []
                for epoch in 1...assignment.spec.epochBudget {
                    seq += 1
                    let accuracy = 0.3 + 0.005 * Double(epoch) + 0.01 * Double(Int(assignment.spec.trialID) ?? 0)
                    let report = WorkerMessage.epochProgress(
                        .init(
                            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                            runName: assignment.spec.runName,
                            record: EpochRecord(epoch: epoch, validationAccuracy: accuracy), seq: seq))
                    guard
                        let actions = send(
                            [.workerMessage(id, report)], reports: [(assignment.spec.trialID, epoch, accuracy, seq)])
                    else { return }
                    newActions += actions
                }
                seq += 1
                let completion = WorkerMessage.complete(
                    .init(
                        jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                        runName: assignment.spec.runName,
                        summary: .init(
                            epochsCompleted: assignment.spec.epochBudget, finalAccuracy: 0, bestAccuracy: 0,
                            wallSeconds: 1),
                        seq: seq))
                guard let actions = send([.workerMessage(id, completion)]) else { return }
                newActions += actions
                pending += newActions.compactMap { action -> DaemonMessage.Assignment? in
                    if case .send(_, .assign(let assignment)) = action { return assignment }
                    return nil
                }
            }
        }
    }

    /// Runs the workload with a fault at write `n`; returns whether the fault fired.
    private func runScenario(failingAt n: Int, code: Int32, rollsBack: Bool) throws -> Bool {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "faults")
        defer { try? FileManager.default.removeItem(at: directory) }
        let faults = StoreFaultInjector(schedule: .once(at: n), resultCode: code, rollsBack: rollsBack)
        let scenario = try Scenario(directory: directory, token: token, start: start, faults: faults)
        let answer = Mutex<ControlResponse?>(nil)
        let submitted = scenario.send([
            .control(
                .submit(
                    configText: configuration, fileName: directory.appendingPathComponent("c.yaml").path,
                    restart: false), ControlReply { response in answer.withLock { $0 = response } })
        ])
        let submitRefused = answer.withLock { if case .error = $0 { true } else { false } }
        if submitted != nil, !submitRefused, let actions = scenario.hello(worker: "w1", slots: 2, token: token) {
            scenario.trainUntilDone(firstActions: actions)
        }
        guard !faults.failedWrites.isEmpty else { return false }
        // A store that could not join the submit's batch (its BEGIN failed) is the submit's error
        // answer; a failure of a store in the batch makes the core ask to exit.
        XCTAssertTrue(
            scenario.exit != nil || submitRefused,
            "write \(n) failed (\(faults.failedWrites)), so the core must exit or refuse the submit")

        // Kill and restart without faults; a new worker finishes what is left.
        scenario.core = try Scenario.makeCore(
            directory: directory, token: token, time: scenario.time, faults: StoreFaultInjector?.none)
        try checkInvariants(of: scenario, context: "after a fault at write \(n) (\(faults.failedWrites[0]))")
        scenario.time.advance(by: 10)  // the old worker's leases run out
        scenario.exit = nil
        if !scenario.core.runs.isEmpty, let actions = scenario.hello(worker: "w2", slots: 2, token: token) {
            let ticked = scenario.send([.tick]) ?? []
            scenario.trainUntilDone(firstActions: actions + ticked)
        }
        XCTAssertNil(scenario.exit)
        try checkInvariants(of: scenario, context: "after resuming from a fault at write \(n)")
        let store = try RunStore(runDirectory: directory.appendingPathComponent("faults"), mode: .mustExist)
        if try store.run() != nil {
            XCTAssertEqual(try store.run()?.state, .finished, "the resumed run ends normally (fault at write \(n))")
            XCTAssertEqual(try store.trials(in: [.completed]).filter { $0.reusedFrom == nil }.count, 3)
            XCTAssertEqual(try store.trials(in: [.failed]).count, 0, "no trial failed because of the fault")
        }
        return true
    }

    private func checkInvariants(of scenario: Scenario, context: String) throws {
        let runDirectory = scenario.directory.appendingPathComponent("faults")
        guard FileManager.default.fileExists(atPath: runDirectory.appendingPathComponent(RunStore.fileName).path)
        else {
            XCTAssertTrue(scenario.acknowledged.isEmpty, context)
            return
        }
        let store = try RunStore(runDirectory: runDirectory, mode: .mustExist)
        XCTAssertNoThrow(try store.database.checkIntegrity(.full), context)
        for (key, accuracy) in scenario.acknowledged {
            let parts = key.split(separator: "/")
            let trialID = try XCTUnwrap(TrialID(String(parts[0])))
            let curve = try store.curve(of: trialID)
            let epoch = try XCTUnwrap(Int(parts[1]))
            XCTAssertGreaterThanOrEqual(curve.count, epoch, "acknowledged \(key) is stored, \(context)")
            if curve.count >= epoch { XCTAssertEqual(curve[epoch - 1], accuracy, context) }
        }
        let trials = try store.trials().filter { $0.reusedFrom == nil }
        XCTAssertEqual(Set(trials.map(\.identityKey)).count, trials.count, "no trial twice, \(context)")
        XCTAssertLessThanOrEqual(trials.filter { $0.state != .cancelled }.count, 3, context)
        // The random search counts what it observed: it equals the proposals marked observed.
        if let snapshot = try store.latestStrategySnapshot() {
            let state = try JSONSerialization.jsonObject(with: snapshot.bytes) as? [String: Any]
            let observed = try XCTUnwrap(state?["observed"] as? Int)
            let marked =
                try store.database.makeStatement("SELECT count(*) FROM proposals WHERE observed = 1")
                .rows { $0.int(at: 0) }.first ?? -1
            XCTAssertEqual(observed, marked, "each outcome observed once, \(context)")
        }
    }

    func testFaultAtEveryWrite_losesNothingAcknowledged_andTheRunResumes() throws {
        var n = 1
        while try runScenario(failingAt: n, code: SQLITE_IOERR, rollsBack: false) {
            n += 1
        }
        XCTAssertGreaterThan(n, 20, "the workload makes many writes; each one was failed once")
    }

    func testDiskFullAtEveryWrite_withSQLiteRollingBackByItself_neverCommitsPiecemeal() throws {
        var n = 1
        while try runScenario(failingAt: n, code: SQLITE_FULL, rollsBack: true) {
            n += 1
        }
        XCTAssertGreaterThan(n, 20)
    }

    func testReadOnlyStoreAtEveryWrite_losesNothingAcknowledged_andTheRunResumes() throws {
        var n = 1
        while try runScenario(failingAt: n, code: SQLITE_READONLY, rollsBack: false) {
            n += 1
        }
        XCTAssertGreaterThan(n, 20)
    }

    func testRealFullDisk_viaMaxPageCount_exitsAndResumesOnceSpaceIsBack() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "full")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = try Scenario(directory: directory, token: token, start: start, faults: nil)
        // Long curves, so that the metrics outgrow the pages the store has.
        let longCurves = configuration.replacingOccurrences(of: "epochs: 2", with: "epochs: 60")
        _ = scenario.send([
            .control(
                .submit(
                    configText: longCurves, fileName: directory.appendingPathComponent("c.yaml").path,
                    restart: false), ControlReply { _ in })
        ])
        let store = try XCTUnwrap(scenario.core.runs["faults"]?.store)
        let pages = try store.database.makeStatement("PRAGMA page_count").rows { $0.int(at: 0) }.first ?? 0
        try store.database.execute(sql: "PRAGMA max_page_count = \(pages)")
        let actions = try XCTUnwrap(scenario.hello(worker: "w1", slots: 2, token: token))
        scenario.trainUntilDone(firstActions: actions)
        guard case .storeFailure(let reason) = scenario.exit else {
            return XCTFail("a full disk must make the core exit; got \(String(describing: scenario.exit))")
        }
        XCTAssertTrue(reason.contains("full"), reason)
        scenario.core = try Scenario.makeCore(
            directory: directory, token: token, time: scenario.time, faults: StoreFaultInjector?.none)
        try checkInvariants(of: scenario, context: "after a full disk")
        scenario.time.advance(by: 10)
        scenario.exit = nil
        let resumed = try XCTUnwrap(scenario.hello(worker: "w2", slots: 2, token: token))
        scenario.trainUntilDone(firstActions: resumed + (scenario.send([.tick]) ?? []))
        let reopened = try RunStore(runDirectory: directory.appendingPathComponent("faults"), mode: .mustExist)
        XCTAssertEqual(try reopened.run()?.state, .finished)
        try checkInvariants(of: scenario, context: "after resuming from a full disk")
    }
}
