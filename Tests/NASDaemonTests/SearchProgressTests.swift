import Foundation
import NASConfig
import NASDaemon
import NASStore
import XCTest

/// Issue 10 §1: what `nasd run` shows while a search runs. Counts say what they count: a reused
/// result is never "trained", so a run told to train 16 trials never shows more than 16 trained.
final class SearchProgressTests: XCTestCase {
    func testCounts_splitTrainedFromReusedAndCountEachStateOnce() throws {
        let store = try makeStore()
        let one = try trial(.completed(finalAccuracy: 0.75), in: store)
        try trial(.completed(finalAccuracy: 0.8125), in: store)
        try reuse(one, in: store)
        let stopped = try trial(.stoppedEarly(Prediction(accuracy: 0.5), atEpoch: 4), done: 4, in: store)
        try trial(.vetoed(Prediction(accuracy: 0.2)), done: 0, in: store)
        try trial(nil, done: 3, in: store)  // running
        try store.insertTrial(newTrial(in: store))  // queued
        try trial(.failed(reason: "crashed"), done: 2, in: store)
        try reuse(stopped, in: store)
        let progress = SearchProgress(status: try status(of: store), plannedTrials: 10, elapsedSeconds: 30)
        XCTAssertEqual(progress.trained, 2, "a reused completed result is not a trained trial")
        XCTAssertEqual(progress.reused, 2)
        XCTAssertEqual(progress.stoppedEarly, 1)
        XCTAssertEqual(progress.vetoed, 1)
        XCTAssertEqual(progress.running, 1)
        XCTAssertEqual(progress.queued, 1)
        XCTAssertEqual(progress.failed, 1)
        XCTAssertEqual(progress.evaluated, 5)
        // Early stopping saved 12 − 4 epochs, the veto a whole budget; the reuses 12 each.
        XCTAssertEqual(progress.epochsSavedByPruning, 8 + 12)
        XCTAssertEqual(progress.epochsSavedByReuse, 24)
        XCTAssertEqual(progress.epochsWithoutPruning, 33 + 20)
        // 5 evaluated in 30 s, 5 of the 10 planned left: about 30 s more.
        XCTAssertEqual(try XCTUnwrap(progress.remainingSeconds), 30, accuracy: 1e-9)
        let line = progress.logLine
        for part in [
            "2 trained", "1 running", "1 queued", "1 stopped early", "1 vetoed", "2 reused (duplicates, not retrained)",
            "1 failed", "33 epochs spent", "20 saved by pruning", "24 by reuse", "5 of 10 planned trials evaluated",
            "0:30 elapsed", "about 0:30 left", "best 81.25% (trial 2)",
        ] {
            XCTAssertTrue(line.contains(part), "'\(part)' missing from \(line)")
        }
        XCTAssertEqual(progress.terminalLines.count, 5)
        XCTAssertEqual(progress.terminalLines[0], "search · metaqnn · ε=0.5, 2/5 models (step 6 of 10)")
    }

    /// An asynchronous search may evaluate a few more than planned: said as such ("209 of 200
    /// planned" read as a contradiction); final-phase retrains are not search trials.
    func testMoreThanPlanned_isSaidPlainly_andFinalPhaseTrialsAreNotCountedAsTrained() throws {
        let store = try makeStore()
        for _ in 0..<5 { try trial(.completed(finalAccuracy: 0.5), in: store) }
        var view = try status(of: store)
        let over = SearchProgress(status: view, plannedTrials: 3, elapsedSeconds: 10)
        XCTAssertTrue(
            over.logLine.contains("5 trials evaluated, 3 planned (2 proposed while the last results were out)"),
            over.logLine)
        XCTAssertFalse(over.logLine.contains("5 of 3"), over.logLine)
        // Two of the five completed trials are final-phase retrains of one network (of three asked).
        let json = #"[{"searchTrial": 1, "notation": "[SM(10)]", "trials": 3, "completed": 2, "testCount": 0}]"#
        view.finalPhase = try JSONDecoder().decode([FinalPhaseResult].self, from: Data(json.utf8))
        let final = SearchProgress(status: view, plannedTrials: 3, elapsedSeconds: 10)
        XCTAssertEqual(final.trained, 3)
        XCTAssertTrue(final.logLine.contains("3 trained"), final.logLine)
        XCTAssertTrue(final.logLine.contains("final phase: 2 of 3 retrained"), final.logLine)
        XCTAssertTrue(final.logLine.contains("3 of 3 planned trials evaluated"), final.logLine)
    }

    func testVetoes_countTowardTheTrialLimit_butNotTowardMetaQNNsScheduleUnlessRewarded() throws {
        let store = try makeStore()
        try trial(.completed(finalAccuracy: 0.75), in: store)
        try trial(.vetoed(Prediction(accuracy: 0.2)), done: 0, in: store)
        try trial(.vetoed(Prediction(accuracy: 0.3)), done: 0, in: store)
        let apart = SearchProgress(
            status: try status(of: store), plannedTrials: 4, elapsedSeconds: 10, vetoesCountTowardPlan: false)
        XCTAssertEqual(apart.evaluatedTowardPlan, 1)
        XCTAssertTrue(apart.logLine.contains("1 of 4 planned trials evaluated (vetoes not counted)"), apart.logLine)
        // 1 in 10 s, 3 left.
        XCTAssertEqual(try XCTUnwrap(apart.remainingSeconds), 30, accuracy: 1e-9)
        let counted = SearchProgress(status: try status(of: store), plannedTrials: 4, elapsedSeconds: 10)
        XCTAssertTrue(counted.logLine.contains("3 of 4 planned trials evaluated ·"), counted.logLine)

        func countsVetoes(_ strategy: String, prior: String, end: String = "") throws -> Bool {
            let text = """
                name: p
                space: {kind: metaqnn}
                strategy: \(strategy)
                prior: \(prior)
                training: {epochs: 4}
                trainer: {builtin: surrogate}
                \(end)
                """
            return SearchProgress.vetoesCountTowardPlan(of: try RunConfiguration(yaml: text, file: "p.yaml"))
        }
        let schedule = "{kind: metaqnn, epsilon_schedule: [{epsilon: 1.0, models: 10}]}"
        XCTAssertFalse(try countsVetoes(schedule, prior: "{kind: peephole, veto_below: 0.5}"))
        XCTAssertTrue(try countsVetoes(schedule, prior: "{kind: peephole, veto_below: 0.5, reward_vetoed: true}"))
        XCTAssertTrue(
            try countsVetoes(schedule, prior: "{kind: peephole, veto_below: 0.5}", end: "end: {max_trials: 5}"))
        XCTAssertTrue(
            try countsVetoes("{kind: random}", prior: "{kind: peephole, veto_below: 0.5}", end: "end: {max_trials: 5}"))
    }

    func testEstimate_countsOnlyWhatThisObserverSawAndIsAbsentForAFinishedRun() throws {
        let store = try makeStore()
        for _ in 1...6 { try trial(.completed(finalAccuracy: 0.5), in: store) }
        let resumed = SearchProgress(
            status: try status(of: store), plannedTrials: 8, elapsedSeconds: 10, evaluatedAtStart: 4)
        // 2 in 10 s since the observer started, 2 left.
        XCTAssertEqual(try XCTUnwrap(resumed.remainingSeconds), 10, accuracy: 1e-9)
        try store.setRunState(.finished, finishReason: "done")
        let finished = SearchProgress(status: try status(of: store), plannedTrials: 8, elapsedSeconds: 10)
        XCTAssertNil(finished.remainingSeconds)
        let unplanned = SearchProgress(status: try status(of: store), plannedTrials: nil, elapsedSeconds: 10)
        XCTAssertNil(unplanned.remainingSeconds)
        XCTAssertFalse(unplanned.logLine.contains("planned"))
    }

    func testPlannedTrials_isTheTrialLimitOrTheStrategysOwnEnd() throws {
        func planned(_ strategy: String, end: String = "") throws -> Int? {
            let text = """
                name: p
                space: {kind: metaqnn}
                strategy: \(strategy)
                training: {epochs: 12}
                trainer: {builtin: surrogate}
                \(end)
                """
            return SearchProgress.plannedTrials(of: try RunConfiguration(yaml: text, file: "p.yaml"))
        }
        let schedule = "{kind: metaqnn, epsilon_schedule: [{epsilon: 1.0, models: 30}, {epsilon: 0.5, models: 10}]}"
        XCTAssertEqual(try planned(schedule), 40)
        XCTAssertEqual(try planned(schedule, end: "end: {max_trials: 16}"), 16)
        XCTAssertEqual(try planned("{kind: random}", end: "end: {max_trials: 16}"), 16)
        XCTAssertNil(try planned("{kind: random}", end: "end: {max_epochs: 100}"))
    }

    func testDurations_readAsAClock() {
        XCTAssertEqual(SearchProgress.duration(0), "0:00")
        XCTAssertEqual(SearchProgress.duration(42.4), "0:42")
        XCTAssertEqual(SearchProgress.duration(725), "12:05")
        XCTAssertEqual(SearchProgress.duration(10930), "3:02:10")
    }

    func testAStatusFromAnOlderDaemon_countsEveryTrialAsTrainedHere() throws {
        var view = try status(of: try makeStore())
        view.counts = TrialCountsView(counts: [.completed: 3, .running: 1], reused: 0)
        view.trained = nil
        let progress = SearchProgress(status: view, plannedTrials: nil, elapsedSeconds: 1)
        XCTAssertEqual(progress.trained, 3)
        XCTAssertEqual(progress.running, 1)
        XCTAssertEqual(progress.epochsSavedByReuse, 0)
    }

    // MARK: - Fixtures

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeStore() throws -> RunStore {
        let store = try RunStore(runDirectory: directory.appendingPathComponent(UUID().uuidString))
        try store.createRun(NewRun(name: "search", configurationText: "name: search", searchIdentity: "x"))
        return store
    }

    /// The status view as the daemon serves it, with a live phase.
    private func status(of store: RunStore) throws -> RunStatusView {
        try RunViews.status(
            of: store, live: LiveRunInfo(strategy: "metaqnn", phase: "ε=0.5, 2/5 models (step 6 of 10)", workers: []))
    }

    private func newTrial(in store: RunStore) throws -> NewTrial {
        let index = try store.trials().count + 1
        return NewTrial(
            canonicalNotation: "[C(\(index),3,1), SM(10)]", proposedNotation: "[C(\(index),3,1), SM(10)]",
            identityKey: "k\(index)", hyperparameters: [:], epochBudget: 12, source: "metaqnn#\(index)")
    }

    /// A trial of budget 12 trained `done` epochs, then ended with `outcome` (nil: still running;
    /// a veto ends it before dispatch).
    @discardableResult
    private func trial(_ outcome: TrialOutcome?, done: Int = 12, in store: RunStore) throws -> TrialID {
        let trial = try store.insertTrial(newTrial(in: store))
        if case .vetoed = outcome, let outcome {
            try store.finishTrial(trial.id, outcome: outcome)
            return trial.id
        }
        let job = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: Date())
        if done > 0 {
            _ = try store.recordEpochs(
                (1...done).map { EpochReport(trialID: trial.id, epoch: $0, validationAccuracy: 0.5) })
        }
        if let outcome { try store.finishTrial(trial.id, outcome: outcome, job: job.id) }
        return trial.id
    }

    private func reuse(_ original: TrialID, in store: RunStore) throws {
        try store.insertReusedTrial(try newTrial(in: store), reusing: original)
    }
}
