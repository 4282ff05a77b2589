import Foundation
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

final class ControlViewTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "views")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testStatus_countsEveryStateAndReuse_andNamesTheBestTrial() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        let status = try RunViews.status(of: store)
        XCTAssertEqual(status.name, "demo")
        XCTAssertEqual(status.state, .active)
        XCTAssertNil(status.finishReason)
        XCTAssertEqual(
            status.counts,
            TrialCountsView(
                total: 9, completed: 3, running: 1, queued: 1, stoppedEarly: 1, vetoed: 1, failed: 1, cancelled: 1,
                reused: 1))
        XCTAssertEqual(
            status.best,
            BestTrialSummary(
                trial: 2, accuracy: 0.9, notation: "[C(16,3,1), D(0.5), SM(10)]",
                canonicalNotation: "[C(16,3,1), SM(10)]"))
        XCTAssertEqual(status.epochsSpent, 9, "3 + 3 + 1 + 2 recorded epochs; the reused trial cost none")
        XCTAssertEqual(status.createdAt, 1_700_000_000)
        XCTAssertEqual(status.configuration.first, "run demo (seed 42)")
        XCTAssertTrue(
            status.configuration.contains("strategy: metaqnn, 10 ε steps, 100 models"), "\(status.configuration)")
    }

    func testStatus_offline_readsTheStrategyFromTheStoredConfiguration_andIsNotRunning() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        let status = try RunViews.status(of: store)
        XCTAssertEqual(status.strategy, "metaqnn", "the demo's strategy, read from the stored configuration")
        XCTAssertEqual(status.phase, "not running")
        XCTAssertEqual(status.workers, [])
    }

    func testStatus_live_takesStrategyPhaseAndSortedWorkersFromTheDaemon() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        let live = LiveRunInfo(strategy: "hyperband", phase: "bracket 2, rung 1", workers: ["w2", "w1"])
        let status = try RunViews.status(of: store, live: live)
        XCTAssertEqual(status.strategy, "hyperband")
        XCTAssertEqual(status.phase, "bracket 2, rung 1")
        XCTAssertEqual(status.workers, ["w1", "w2"])
    }

    func testStatus_ofAnEmptyStore_throwsRunNotCreated() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("empty"))
        XCTAssertThrowsError(try RunViews.status(of: store)) { error in
            guard case RunStoreError.runNotCreated = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testStatus_withAConfigurationThatNoLongerParses_saysUnknownStrategy() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("odd"), clock: ControlFixtures.clock)
        try store.createRun(NewRun(name: "odd", configurationText: "name: [", searchIdentity: "x"))
        let status = try RunViews.status(of: store)
        XCTAssertEqual(status.strategy, "unknown")
        XCTAssertEqual(status.configuration, [])
        XCTAssertNil(status.best)
        XCTAssertEqual(status.counts.total, 0)
    }

    func testTrials_listInProposalOrder_filterByState_andCarryEveryField() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        let all = try RunViews.trials(of: store)
        XCTAssertEqual(all.map(\.id), Array(1...9))
        XCTAssertEqual(
            all.map(\.state),
            [.completed, .completed, .running, .queued, .stoppedEarly, .vetoed, .failed, .completed, .cancelled])
        XCTAssertTrue(all.allSatisfy { $0.curve == nil }, "no curves unless asked for detail")
        let running = try RunViews.trials(of: store, state: .running)
        XCTAssertEqual(running.map(\.id), [3])
        XCTAssertEqual(running.first?.worker, "w2")
        XCTAssertEqual(running.first?.attempts, 1)
        XCTAssertEqual(running.first?.epochsDone, 1)
        XCTAssertEqual(running.first?.bestAccuracy, 0.4)
        let stopped = try XCTUnwrap(all.first { $0.id == 5 })
        XCTAssertEqual(stopped.stopPrediction, Prediction(accuracy: 0.7, sigma: 0.05))
        XCTAssertNil(stopped.priorPrediction)
        XCTAssertEqual(all[6].failureReason, "trainer exited 1")
        XCTAssertEqual(all[7].reusedFrom, 2)
        XCTAssertEqual(all[7].finalAccuracy, 0.9)
        XCTAssertEqual(all[0].hyperparameters, ["learning_rate": 0.1])
        XCTAssertEqual(all[0].epochBudget, 3)
        XCTAssertEqual(all[0].source, "random")
        let detailed = try RunViews.trials(of: store, state: .completed, detail: true)
        XCTAssertEqual(detailed.first?.curve, [0.5, 0.7, 0.8])
    }

    func testTrial_inDetail_carriesItsCurve_andAnUnknownIdIsNil() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        XCTAssertEqual(try RunViews.trial(TrialID(rawValue: 2), of: store)?.curve, [0.6, 0.85, 0.9])
        XCTAssertNil(try RunViews.trial(TrialID(rawValue: 99), of: store))
    }

    func testBest_ranksCompletedTrials_leavesOutReuses_andGivesTheWinnerItsCurve() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        let best = try RunViews.best(of: store)
        XCTAssertEqual(best.map(\.id), [2, 1])
        XCTAssertEqual(best.map(\.finalAccuracy), [0.9, 0.8])
        XCTAssertEqual(best[0].curve, [0.6, 0.85, 0.9])
        XCTAssertNil(best[1].curve)
        XCTAssertEqual(try RunViews.best(of: store, limit: 1).map(\.id), [2])
    }

    func testViews_surviveTheTripThroughJSONValue() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        let status = try RunViews.status(of: store, live: LiveRunInfo(strategy: "random", phase: "p", workers: ["a"]))
        XCTAssertEqual(try JSONValue(encoding: status).decode(as: RunStatusView.self), status)
        let trials = try RunViews.trials(of: store, detail: true)
        XCTAssertEqual(try JSONValue(encoding: trials).decode(as: [TrialView].self), trials)
        let payload = try JSONValue(encoding: status)
        XCTAssertEqual(payload["state"], .string("active"))
        XCTAssertEqual(payload["counts"]?["stoppedEarly"], .number(1))
        XCTAssertEqual(try JSONValue(encoding: trials).arrayValue?[4]["state"], .string("stopped_early"))
        let worker = WorkerView(
            id: "w1", hostname: "gpu-1", slots: 2, busySlots: 1, gpus: [0, 1], connectedSince: 1_700_000_000,
            jobs: [WorkerView.Job(run: "demo", trial: 3, slot: 0)])
        XCTAssertEqual(try JSONValue(encoding: [worker]).decode(as: [WorkerView].self), [worker])
    }

    func testLog_readsTheTrialsLogFile_withATail_andAnEmptyLogBeforeItIsWritten() throws {
        let runDirectory = directory.appendingPathComponent("demo")
        let store = try ControlFixtures.populateRun(in: runDirectory, name: "demo")
        let file = StateDirectoryLayout.logFile(runDirectory: runDirectory, trial: TrialID(rawValue: 3))
        XCTAssertEqual(file.path, runDirectory.path + "/logs/3.log")
        XCTAssertEqual(try RunViews.log(of: TrialID(rawValue: 3), in: store, tail: nil)?.lines, [])
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("one\ntwo\nthree\nfour\n".utf8).write(to: file)
        let all = try XCTUnwrap(try RunViews.log(of: TrialID(rawValue: 3), in: store, tail: nil))
        XCTAssertEqual(
            all, TrialLogView(run: "demo", trial: 3, lines: ["one", "two", "three", "four"], isTruncated: false))
        XCTAssertEqual(try RunViews.log(of: TrialID(rawValue: 3), in: store, tail: 2)?.lines, ["three", "four"])
        XCTAssertEqual(try RunViews.log(of: TrialID(rawValue: 3), in: store, tail: 0)?.lines, [])
        XCTAssertNil(try RunViews.log(of: TrialID(rawValue: 42), in: store, tail: nil))
    }

    func testLogRead_keepsOnlyTheEndOfALargeLog_withoutAPartialLine() throws {
        let file = directory.appendingPathComponent("big.log")
        try Data("first line\nsecond\nthird\n".utf8).write(to: file)
        let view = try TrialLogView.read(file: file, run: "r", trial: 1, tail: nil, maximumBytes: 12)
        XCTAssertTrue(view.isTruncated)
        XCTAssertEqual(view.lines, ["third"], "the last 12 bytes start inside 'second', which is dropped")
    }

    func testResponse_answersReadOnlyRequests_andRejectsBadInput() throws {
        let store = try ControlFixtures.populateRun(in: directory.appendingPathComponent("demo"), name: "demo")
        guard case .ok(let trials) = RunViews.response(to: .trials(run: "demo", state: "stopped-early"), from: store)
        else { return XCTFail("expected ok") }
        XCTAssertEqual(try trials.decode(as: [TrialView].self).map(\.id), [5])
        XCTAssertEqual(
            errorCode(RunViews.response(to: .trials(run: "demo", state: "done"), from: store)), .invalidRequest)
        XCTAssertEqual(
            errorCode(RunViews.response(to: .logs(run: "demo", trial: "x", tail: nil), from: store)), .invalidRequest)
        XCTAssertEqual(
            errorCode(RunViews.response(to: .logs(run: "demo", trial: "77", tail: nil), from: store)), .notFound)
        XCTAssertEqual(errorCode(RunViews.response(to: .pause(run: "demo"), from: store)), .invalidRequest)
        guard case .ok(let log) = RunViews.response(to: .logs(run: "demo", trial: "t-0003", tail: 5), from: store)
        else { return XCTFail("expected ok") }
        XCTAssertEqual(try log.decode(as: TrialLogView.self).trial, 3)
    }

    func testNames_trialStatesAndIdsParseAsUsersWriteThem() {
        XCTAssertEqual(RunViews.trialState(named: "stopped_early"), .stoppedEarly)
        XCTAssertEqual(RunViews.trialState(named: "Stopped-Early"), .stoppedEarly)
        XCTAssertEqual(RunViews.trialState(named: "stoppedEarly"), .stoppedEarly)
        XCTAssertEqual(RunViews.trialState(named: "running"), .running)
        XCTAssertNil(RunViews.trialState(named: "done"))
        XCTAssertEqual(RunViews.trialID(named: "7"), TrialID(rawValue: 7))
        XCTAssertEqual(RunViews.trialID(named: "#7"), TrialID(rawValue: 7))
        XCTAssertEqual(RunViews.trialID(named: "t-0007"), TrialID(rawValue: 7))
        XCTAssertNil(RunViews.trialID(named: "0"))
        XCTAssertNil(RunViews.trialID(named: "seven"))
        XCTAssertNil(RunViews.trialID(named: ""))
    }

    func testStateDirectoryLayout_resolvesOptionThenEnvironmentThenDefault_andListsRuns() throws {
        XCTAssertEqual(StateDirectoryLayout.resolve(option: "/s/", environment: ["NASD_STATE_DIR": "/e"]).path, "/s")
        XCTAssertEqual(StateDirectoryLayout.resolve(option: nil, environment: ["NASD_STATE_DIR": "/e"]).path, "/e")
        XCTAssertEqual(StateDirectoryLayout.resolve(option: nil, environment: [:]).path, "./runs")
        let layout = StateDirectoryLayout(path: directory.path)
        XCTAssertEqual(layout.controlSocketPath, directory.path + "/control.sock")
        XCTAssertEqual(layout.tokenPath, directory.path + "/token")
        XCTAssertEqual(layout.lockPath, directory.path + "/nasd.lock")
        XCTAssertEqual(try layout.runNames(), [])
        try ControlFixtures.populateRun(in: layout.runDirectory(named: "b"), name: "b")
        try ControlFixtures.populateRun(in: layout.runDirectory(named: "a"), name: "a")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("not-a-run"), withIntermediateDirectories: true)
        XCTAssertEqual(try layout.runNames(), ["a", "b"])
        XCTAssertFalse(StateDirectoryLayout.isValidRunName("../etc"))
        XCTAssertFalse(StateDirectoryLayout.isValidRunName(".hidden"))
        XCTAssertFalse(StateDirectoryLayout.isValidRunName(""))
        XCTAssertTrue(StateDirectoryLayout.isValidRunName("cifar-10_v2.1"))
    }

    private func errorCode(_ response: ControlResponse) -> ControlError.Code? {
        if case .error(let error) = response { return error.code }
        return nil
    }
}

/// A run store with one trial in every state, built through `RunStore`'s own API.
///
/// | id | story                                   | state         |
/// |----|-----------------------------------------|---------------|
/// | 1  | 3 epochs, completed at 0.80             | completed     |
/// | 2  | 3 epochs, completed at 0.90             | completed     |
/// | 3  | dispatched, 1 epoch so far              | running       |
/// | 4  | never dispatched                        | queued        |
/// | 5  | 2 epochs, stopped early (0.70 ± 0.05)   | stopped_early |
/// | 6  | vetoed before training (0.50 ± 0.10)    | vetoed        |
/// | 7  | dispatched, failed ("trainer exited 1") | failed        |
/// | 8  | identical to 2: its result reused       | completed     |
/// | 9  | cancelled while queued                  | cancelled     |
enum ControlFixtures {
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_700_000_000) }

    static func demoConfigurationText(name: String) throws -> String {
        let url = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.replacingOccurrences(of: "name: demo\n", with: "name: \(name)\n")
    }

    static func newTrial(_ index: Int, budget: Int = 3) -> NewTrial {
        let hyperparameters = ["learning_rate": 0.1]
        return NewTrial(
            canonicalNotation: "[C(\(index * 8),3,1), SM(10)]",
            proposedNotation: "[C(\(index * 8),3,1), D(0.5), SM(10)]",
            identityKey: TrialIdentity.key(
                canonicalHash: "hash\(index)", hyperparameters: hyperparameters),
            hyperparameters: hyperparameters, epochBudget: budget, source: "random")
    }

    /// Creates `<directory>` holding a run named `name` populated as in the table above.
    @discardableResult
    static func populateRun(in directory: URL, name: String) throws -> RunStore {
        let store = try RunStore(runDirectory: directory, clock: clock)
        try store.createRun(
            NewRun(name: name, configurationText: try demoConfigurationText(name: name), searchIdentity: "test"))
        let lease = Date(timeIntervalSince1970: 1_800_000_000)
        func train(_ index: Int, accuracies: [Double]) throws -> (TrialRecord, JobRecord) {
            let trial = try store.insertTrial(newTrial(index))
            let job = try store.dispatchTrial(trial.id, to: "w\(index % 2 + 1)", leaseDeadline: lease)
            _ = try store.recordEpochs(
                accuracies.enumerated().map {
                    EpochReport(trialID: trial.id, epoch: $0.offset + 1, validationAccuracy: $0.element)
                })
            return (trial, job)
        }
        let (first, firstJob) = try train(1, accuracies: [0.5, 0.7, 0.8])
        try store.finishTrial(first.id, outcome: .completed(finalAccuracy: 0.8), job: firstJob.id)
        let (second, secondJob) = try train(2, accuracies: [0.6, 0.85, 0.9])
        try store.finishTrial(second.id, outcome: .completed(finalAccuracy: 0.9), job: secondJob.id)
        _ = try train(3, accuracies: [0.4])
        try store.insertTrial(newTrial(4))
        let (fifth, fifthJob) = try train(5, accuracies: [0.3, 0.35])
        try store.finishTrial(
            fifth.id, outcome: .stoppedEarly(Prediction(accuracy: 0.7, sigma: 0.05), atEpoch: 1), job: fifthJob.id)
        let sixth = try store.insertTrial(newTrial(6))
        try store.finishTrial(sixth.id, outcome: .vetoed(Prediction(accuracy: 0.5, sigma: 0.1)))
        let (seventh, seventhJob) = try train(7, accuracies: [])
        try store.finishTrial(seventh.id, outcome: .failed(reason: "trainer exited 1"), job: seventhJob.id)
        try store.insertReusedTrial(newTrial(2), reusing: second.id)
        let ninth = try store.insertTrial(newTrial(9))
        try store.finishTrial(ninth.id, outcome: .cancelled(reason: "run stopped"))
        return store
    }
}
