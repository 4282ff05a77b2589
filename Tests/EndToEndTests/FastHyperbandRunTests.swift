import Foundation
import XCTest

/// Issue 8 §4 through the real daemon and workers: Hyperband with `early_stopping:` is f-Hyperband.
/// Once `min_curves` configurations were trained to a rung's budget, the models for it are fit off
/// the commit thread and trials of later rungs with that budget are stopped early, each with its
/// prediction; the stopped trials count as their rung's results and the run ends after its brackets.
///
/// Eight iterations of the brackets: the first ones mostly fill `D[r]`, and with two workers how
/// many of their trials meet a model depends on the order completions arrive in (four iterations
/// stopped 0 to 6 trials over runs on one machine, and none on CI's); eight stopped 12 to 23. Epochs
/// take 10 ms so that stops arrive while their trials train and save epochs (at 0 s a trainer ends
/// before the daemon has read its first epoch: the stop is recorded, but nothing is saved).
final class FastHyperbandRunTests: EndToEndTestCase {
    private let configuration = """
        name: fhb
        seed: 4
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 6}
        strategy: {kind: hyperband, max_resource: 9, eta: 3, iterations: 8}
        training: {epochs: 9, hyperparameters: {learning_rate: 0.01}}
        trainer: {builtin: surrogate, epoch_delay: 0.01s}
        early_stopping: {kind: srm, confidence: 0.9, min_curves: 6}
        """

    func testFHyperbandRun_stopsTrialsInRungsWithModels_andFinishes() async throws {
        let state = try makeTemporaryDirectory()
        let file = try write(configuration, to: "fhb.yaml", in: state)
        let outcome = try await nasd(["run", file.path, "--workers", "2"], stateDirectory: state, timeout: 240)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(outcome.outputText.contains("run 'fhb' finished"), outcome.outputText)

        let status = try await status(of: "fhb", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.failed, 0)
        let allTrials = try await trials(of: "fhb", in: state)
        // A duplicate of a stopped trial reuses its outcome: the count by state includes it.
        XCTAssertEqual(status.counts.stoppedEarly, allTrials.filter { $0.state == "stopped_early" }.count)
        let trials = allTrials.filter { $0.reusedFrom == nil }
        let stopped = trials.filter { $0.state == "stopped_early" }
        XCTAssertFalse(stopped.isEmpty, "f-Hyperband stopped nothing: \(trials.map(\.state))")
        for trial in stopped {
            let prediction = try XCTUnwrap(trial.stopPrediction, "\(trial)")
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(prediction.modelVersion), 1)
            // Rung budgets are 1, 3 and 9 epochs; a one-epoch rung has nothing to predict from.
            let epoch = try XCTUnwrap(trial.stoppedAtEpoch)
            XCTAssertTrue([3, 9].contains(trial.epochBudget), "\(trial)")
            XCTAssertLessThan(epoch, trial.epochBudget, "\(trial)")
        }
        // Configurations reached R = 9 epochs: the brackets ran to their ends.
        XCTAssertTrue(trials.contains { $0.state == "completed" && $0.epochsDone == 9 }, "\(trials)")
        XCTAssertGreaterThan(status.epochsSaved, 0)
    }
}
