import Foundation
import NASConfig
import NASDaemon
import NASStore
import XCTest

/// Issue 10 §1: what `nasd run` shows while a search runs. Counts say what they count: a reused
/// result is never "trained", so a run told to train 16 trials never shows more than 16 trained.
final class SearchProgressTests: XCTestCase {
    func testCounts_splitTrainedFromReusedAndCountEachStateOnce() throws {
        let trials = try [
            trial(1, .completed), trial(2, .completed), trial(3, .completed, reusedFrom: 1),
            trial(4, .stoppedEarly, done: 4, stoppedAt: 4), trial(5, .vetoed, done: 0), trial(6, .running, done: 3),
            trial(7, .queued, done: 0), trial(8, .failed, done: 2), trial(9, .stoppedEarly, done: 12, reusedFrom: 4),
        ]
        let progress = SearchProgress(
            status: status(epochsSpent: 12 + 12 + 4 + 3 + 2), trials: trials, plannedTrials: 10, elapsedSeconds: 30)
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

    func testVetoes_countTowardTheTrialLimit_butNotTowardMetaQNNsScheduleUnlessRewarded() throws {
        let trials = try [trial(1, .completed), trial(2, .vetoed, done: 0), trial(3, .vetoed, done: 0)]
        let apart = SearchProgress(
            status: status(), trials: trials, plannedTrials: 4, elapsedSeconds: 10, vetoesCountTowardPlan: false)
        XCTAssertEqual(apart.evaluatedTowardPlan, 1)
        XCTAssertTrue(apart.logLine.contains("1 of 4 planned trials evaluated (vetoes not counted)"), apart.logLine)
        // 1 in 10 s, 3 left.
        XCTAssertEqual(try XCTUnwrap(apart.remainingSeconds), 30, accuracy: 1e-9)
        let counted = SearchProgress(status: status(), trials: trials, plannedTrials: 4, elapsedSeconds: 10)
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
        let trials = try (1...6).map { try trial(Int64($0), .completed) }
        let resumed = SearchProgress(
            status: status(), trials: trials, plannedTrials: 8, elapsedSeconds: 10, evaluatedAtStart: 4)
        // 2 in 10 s since the observer started, 2 left.
        XCTAssertEqual(try XCTUnwrap(resumed.remainingSeconds), 10, accuracy: 1e-9)
        let finished = SearchProgress(
            status: status(state: .finished), trials: trials, plannedTrials: 8, elapsedSeconds: 10)
        XCTAssertNil(finished.remainingSeconds)
        let unplanned = SearchProgress(status: status(), trials: trials, plannedTrials: nil, elapsedSeconds: 10)
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

    // MARK: - Fixtures

    private func status(state: RunState = .active, epochsSpent: Int = 0) -> RunStatusView {
        RunStatusView(
            name: "search", state: state, finishReason: nil, strategy: "metaqnn",
            phase: "ε=0.5, 2/5 models (step 6 of 10)", counts: TrialCountsView(counts: [:], reused: 0),
            best: BestTrialSummary(
                trial: 2, accuracy: 0.8125, notation: "[C(32,3,1), SM(10)]",
                canonicalNotation: "[C(32,3,1), SM(10)]"),
            workers: [], epochsSpent: epochsSpent, createdAt: 0, updatedAt: 0, configuration: [])
    }

    /// A trial as the control server's `trials` list serves it (its JSON form).
    private func trial(
        _ id: Int64, _ state: TrialState, done: Int = 12, stoppedAt: Int? = nil, reusedFrom: Int64? = nil
    ) throws -> TrialView {
        var object: [String: Any] = [
            "id": id, "state": state.rawValue, "notation": "[SM(10)]", "canonicalNotation": "[SM(10)]",
            "hyperparameters": [String: Double](), "epochBudget": 12, "epochsDone": done, "attempts": 1,
            "trainingSeconds": 1.0, "source": "metaqnn#\(id)", "createdAt": 0.0,
        ]
        if let stoppedAt { object["stoppedAtEpoch"] = stoppedAt }
        if let reusedFrom { object["reusedFrom"] = reusedFrom }
        return try JSONDecoder().decode(TrialView.self, from: JSONSerialization.data(withJSONObject: object))
    }
}
