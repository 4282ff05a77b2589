import Foundation
import NASTestSupport
import XCTest

/// Issue 8 §3: `nasd run` with `early_stopping: {kind: srm}` over the surrogate trainer stops trials
/// after the burn-in, records each stop's prediction and model version, and `nasd status` shows the
/// epochs spent and saved and the trials stopped. Epochs take 20 ms, so that stops arrive while their
/// trials train (at 0 s a trainer ends before the daemon has read its first epoch, and nothing is saved).
final class EarlyStoppingRunTests: EndToEndTestCase {
    private let configuration = """
        name: srm
        seed: 3
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 6}
        strategy: {kind: random}
        training: {epochs: 6, hyperparameters: {learning_rate: 0.01}}
        trainer: {builtin: surrogate, epoch_delay: 0.02s}
        end: {max_trials: 36}
        early_stopping: {kind: srm, burn_in: 12, min_epochs: 2, confidence: 0.9}
        """

    func testSRMRun_stopsTrialsAfterTheBurnIn_andStatusShowsTheEpochsSaved() async throws {
        let state = try makeTemporaryDirectory()
        let file = try write(configuration, to: "srm.yaml", in: state)
        let outcome = try await nasd(["run", file.path, "--workers", "1"], stateDirectory: state, timeout: 240)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(outcome.outputText.contains("run 'srm' finished"), outcome.outputText)

        let trials = try await trials(of: "srm", in: state).filter { $0.reusedFrom == nil }.sorted { $0.id < $1.id }
        XCTAssertEqual(trials.count, 36)
        XCTAssertEqual(Set(trials.prefix(12).map(\.state)), ["completed"], "the burn-in trains fully")
        let stopped = trials.filter { $0.state == "stopped_early" }
        XCTAssertFalse(stopped.isEmpty, "SRM stopped nothing: \(trials.map(\.state))")
        for trial in stopped {
            let prediction = try XCTUnwrap(trial.stopPrediction, "\(trial)")
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(prediction.modelVersion), 1)
            XCTAssertGreaterThan(try XCTUnwrap(prediction.sigma), 0)
            let epoch = try XCTUnwrap(trial.stoppedAtEpoch)
            XCTAssertTrue((2..<6).contains(epoch), "\(trial)")
        }

        let status = try await status(of: "srm", in: state)
        XCTAssertEqual(status.trained?.stoppedEarly, stopped.count)
        // A stop saves the epochs its trial did not train: a decision that came after the worker
        // trained on (it waited for its model) saves only what was left then.
        XCTAssertEqual(
            status.epochsSaved,
            stopped.reduce(0) { $0 + max(0, $1.epochBudget - max($1.stoppedAtEpoch ?? 0, $1.epochsDone)) })
        XCTAssertGreaterThan(status.epochsSaved, 0, "with 20 ms epochs most stops come before the trial ends")
        XCTAssertEqual(status.epochsSpent, trials.reduce(0) { $0 + $1.epochsDone })
        let text = try await nasd(["status", "srm"], stateDirectory: state)
        XCTAssertTrue(
            text.outputText.contains(
                "epochs:    \(status.epochsSpent) spent, \(status.epochsSaved) saved by early stopping "
                    + "(\(stopped.count) trial\(stopped.count == 1 ? "" : "s") stopped)"),
            text.outputText)
    }

    /// A trainer that validates every second epoch (epochs 2, 4, 6, 8): SRM decides in epochs, so
    /// `min_epochs: 4` first decides at the second report, stops are recorded at epochs 4 or 6, and
    /// the epochs spent are the epochs trained.
    func testSRMRun_overATrainerReportingEverySecondEpoch_decidesAndRecordsInEpochs() async throws {
        let state = try makeTemporaryDirectory()
        let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/trainer-every-other-epoch.sh")
        let file = try write(
            """
            name: sparse
            seed: 5
            space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 6}
            strategy: {kind: random}
            training: {epochs: 8}
            trainer: {command: [sh, \(script.path)], env: {FAKE_EPOCH_DELAY: "0.05"}}
            end: {max_trials: 30}
            early_stopping: {kind: srm, burn_in: 12, min_epochs: 4, confidence: 0.9}
            """, to: "sparse.yaml", in: state)
        let outcome = try await nasd(["run", file.path, "--workers", "1"], stateDirectory: state, timeout: 240)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")

        let trials = try await trials(of: "sparse", in: state).filter { $0.reusedFrom == nil }
        XCTAssertEqual(trials.count, 30)
        let stopped = trials.filter { $0.state == "stopped_early" }
        XCTAssertFalse(stopped.isEmpty, "SRM stopped nothing: \(trials.map(\.state))")
        for trial in stopped {
            // Epoch 2 is before min_epochs, 8 is the budget: a stop is at epoch 4 or 6, never at a
            // report count (2 or 3).
            XCTAssertTrue([4, 6].contains(try XCTUnwrap(trial.stoppedAtEpoch)), "\(trial)")
        }
        for trial in trials where trial.state == "completed" {
            XCTAssertEqual(trial.epochsDone, 8, "\(trial)")
        }
        XCTAssertTrue(
            stopped.contains { $0.epochsDone < 8 }, "no stop came before the last report: \(stopped)")
        let status = try await status(of: "sparse", in: state)
        XCTAssertEqual(status.epochsSpent, trials.reduce(0) { $0 + $1.epochsDone })
        XCTAssertGreaterThan(status.epochsSaved, 0)
        // `nasd best` shows the winner's curve with its epochs.
        let best = try await nasd(["best", "sparse"], stateDirectory: state)
        XCTAssertTrue(best.outputText.contains("curve:           2:"), best.outputText)
        XCTAssertTrue(best.outputText.contains(" 8:"), best.outputText)
        let json = try await nasd(["best", "sparse", "--json"], stateDirectory: state)
        let views = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(json.outputText.utf8)) as? [[String: Any]])
        XCTAssertEqual(views.first?["curveEpochs"] as? [Int], [2, 4, 6, 8])
    }
}
