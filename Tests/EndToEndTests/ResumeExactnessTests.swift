import Foundation
import NASCore
import XCTest

/// Issue 3 §7, resume exactness: a deterministic run killed with SIGKILL ten times at random moments
/// ends with the same completed trials and the same best as the same run left alone.
final class ResumeExactnessTests: EndToEndTestCase {
    private static let runName = "replayed"
    private static let workerID = "replayer"
    /// Enough trials that the run lasts a few seconds, so that the kills land while it runs.
    private static let maxTrials = 600
    private static let epochs = 4

    /// A MetaQNN space of 2,738 networks (every one of them in the curves file).
    private static let fixture = ReplaySpaceFixture(
        filters: [16, 32, 64], kernels: [1, 3], pools: [[2, 2]], fullyConnectedSizes: [32], maxDepth: 4,
        input: [1, 8, 8], classes: 10)

    func testResume_tenDaemonKillsEndWithTheSameTrialsAndBestAsAnUninterruptedRun() async throws {
        try await assertResumeIsExact(
            strategy: "kind: random", end: "end:\n  max_trials: \(Self.maxTrials)", trained: Self.maxTrials)
    }

    /// Issue 7 §7: the same for MetaQNN, whose Q-table, replay memory and ε schedule are restored
    /// from the snapshot saved with each batch (400 unique networks by its schedule). Exact because
    /// the daemon, after a restart, proposes nothing new until the jobs it reloaded are re-attached
    /// or given back (a worker's hello returns at once the jobs it does not hold), so the strategy
    /// sees the outcomes in the uninterrupted run's order.
    func testResume_metaQNN_tenDaemonKillsEndWithTheSameTrialsAndBestAsAnUninterruptedRun() async throws {
        try await assertResumeIsExact(
            strategy: """
                kind: metaqnn
                  epsilon_schedule:
                    - {epsilon: 1.0, models: 200}
                    - {epsilon: 0.5, models: 100}
                    - {epsilon: 0.1, models: 100}
                """, end: "", trained: 400)
    }

    /// Regularized evolution: every offspring depends on every result before it.
    func testResume_regularizedEvolution_tenDaemonKillsEndWithTheSameTrialsAndBestAsAnUninterruptedRun()
        async throws
    {
        try await assertResumeIsExact(
            strategy: "kind: evolution\n  population: 20\n  sample_size: 5\n  cycles: \(Self.maxTrials - 20)",
            end: "", trained: Self.maxTrials)
    }

    /// Runs the configuration with `strategy` uninterrupted and with ten daemon kills, and checks
    /// that both end with the same `trained` completions and the same best.
    private func assertResumeIsExact(strategy: String, end: String, trained expected: Int) async throws {
        let directory = try makeTemporaryDirectory()
        let curves = try Self.fixture.curvesFile(epochs: Self.epochs, seed: 11)
        let curvesFile = try write(curves.text, to: "curves.jsonl", in: directory)
        let configuration = try write(
            """
            name: \(Self.runName)
            seed: 20240611
            \(Self.fixture.yaml)
            strategy:
              \(strategy)
            training:
              epochs: \(Self.epochs)
            trainer:
              builtin: replay
              file: \(curvesFile.path)
            \(end)
            trial:
              max_attempts: 20
            """, to: "replayed.yaml", in: directory)

        // The reference: one daemon, one worker, never interrupted.
        let reference = try await runUninterrupted(configuration, in: directory.appendingPathComponent("reference"))

        // The same run with the daemon killed ten times at seeded random moments.
        let (interrupted, killsMidRun, killLog) = try await runWithDaemonKills(
            configuration, in: directory.appendingPathComponent("killed"), kills: 10,
            longestDelay: min(0.5, max(0.05, reference.seconds / 8)))
        XCTAssertGreaterThanOrEqual(
            killsMidRun, 3,
            "too few kills landed before the run ended (the reference took \(reference.seconds)s): \(killLog)")

        XCTAssertEqual(reference.status.state, "finished")
        XCTAssertEqual(interrupted.status.state, "finished")
        for (label, result) in [("reference", reference.trials), ("interrupted", interrupted.trials)] {
            let trained = result.filter(\.isTrainedCompletion)
            XCTAssertEqual(trained.count, expected, "\(label): trained completions")
            XCTAssertEqual(
                Set(trained.map(\.canonicalNotation)).count, trained.count, "\(label): a network trained twice")
            XCTAssertEqual(result.filter { $0.state == "failed" }.map(\.id), [], "\(label): failed trials")
            for trial in trained {
                XCTAssertEqual(trial.epochsDone, Self.epochs, "\(label): trial \(trial.id)")
                XCTAssertEqual(
                    trial.finalAccuracy ?? -1, curves.finalAccuracy[trial.canonicalNotation] ?? -2, accuracy: 1e-9,
                    "\(label): trial \(trial.id) \(trial.canonicalNotation) does not have its recorded accuracy")
            }
        }
        let referenceResults = Set(reference.trials.filter { $0.state == "completed" }.map(Self.result))
        let interruptedResults = Set(interrupted.trials.filter { $0.state == "completed" }.map(Self.result))
        XCTAssertEqual(referenceResults.count, expected)
        XCTAssertEqual(
            referenceResults.subtracting(interruptedResults).sorted(), [], "completed only in the reference run")
        XCTAssertEqual(
            interruptedResults.subtracting(referenceResults).sorted(), [], "completed only in the interrupted run")
        XCTAssertEqual(reference.status.best?.canonicalNotation, interrupted.status.best?.canonicalNotation)
        XCTAssertEqual(reference.status.best?.accuracy, interrupted.status.best?.accuracy)
        XCTAssertNotNil(reference.status.best)
    }

    /// A completed trial's result, ignoring its id and position: network and final accuracy.
    private static func result(_ trial: TrialPayload) -> String {
        "\(trial.canonicalNotation) \(String(format: "%.9f", trial.finalAccuracy ?? -1))"
    }

    private struct Outcome {
        var status: RunStatusPayload
        var trials: [TrialPayload]
        var seconds: Double
    }

    private func runUninterrupted(_ configuration: URL, in state: URL) async throws -> Outcome {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let daemon = try await startDaemon(stateDirectory: state, name: "reference daemon")
        _ = try startWorker(id: Self.workerID, daemon: daemon)
        let started = Date()
        try await submit(configuration, to: daemon)
        let status = try await waitForRunToEnd(Self.runName, in: state, timeout: 90)
        let seconds = Date().timeIntervalSince(started)
        return Outcome(status: status, trials: try await trials(of: Self.runName, in: state), seconds: seconds)
    }

    private func runWithDaemonKills(
        _ configuration: URL, in state: URL, kills: Int, longestDelay: Double
    ) async throws -> (Outcome, killsMidRun: Int, killLog: [String]) {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        var daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon 1")
        let worker = try startWorker(id: Self.workerID, daemon: daemon)
        try await submit(configuration, to: daemon)
        var generator = SplitMix64(seed: 77)
        var killsMidRun = 0
        var killLog: [String] = []
        for kill in 1...kills {
            try await eventually("worker '\(Self.workerID)' to connect to daemon \(kill)", timeout: 30) {
                try await self.workers(of: daemon).contains { $0.id == Self.workerID } ? true : nil
            }
            let delay = Double.random(in: 0...longestDelay, using: &generator)
            try await Task.sleep(for: .seconds(delay))
            let before = try await status(of: Self.runName, in: state)
            await daemon.process.kill()
            if !before.hasEnded { killsMidRun += 1 }
            killLog.append("kill \(kill) after \(delay)s: \(before.state), \(before.counts.completed) completed")
            daemon = try await startDaemon(
                stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon \(kill + 1)")
        }
        let status = try await waitForRunToEnd(Self.runName, in: state, timeout: 90)
        XCTAssertFalse(worker.hasExited, "the worker outlived every daemon")
        return (
            Outcome(status: status, trials: try await trials(of: Self.runName, in: state), seconds: 0), killsMidRun,
            killLog
        )
    }
}
