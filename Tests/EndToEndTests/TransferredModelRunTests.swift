import Foundation
import NASCore
import XCTest

/// `strategy.predictor_model` through the built binary: `nasd predict train` writes a Peephole
/// model from an earlier run's curves, a predictor-driven evolution run starts from it (next to its
/// configuration), finishes, and — killed mid-run and resumed after the model file was spoilt —
/// ends with the same trained networks as the run left alone, because the run keeps its own copy.
final class TransferredModelRunTests: EndToEndTestCase {
    private static let runName = "transfer"
    private static let workerID = "transfer-worker"

    /// A MetaQNN space small enough to enumerate; its curves are the "earlier run".
    private static let fixture = ReplaySpaceFixture(
        filters: [16, 32, 64], kernels: [1, 3], pools: [[2, 2]], fullyConnectedSizes: [32], maxDepth: 4,
        input: [1, 8, 8], classes: 10)

    func testRun_startsFromATrainedModel_finishes_andResumesExactly() async throws {
        let directory = try makeTemporaryDirectory()
        // The earlier run: 40 of the space's networks with their curves.
        let curves = try Self.fixture.curvesFile(epochs: 2, seed: 5)
        let earlier = try write(
            curves.text.split(separator: "\n").prefix(40).joined(separator: "\n") + "\n", to: "earlier.jsonl",
            in: directory)
        let models = directory.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let model = models.appendingPathComponent("peephole.json")
        let trained = try await NASDCommand.run(
            [
                "predict", "train", "--predictor", "peephole", "--data", earlier.path, "--out", model.path,
                "--epochs", "1", "--minimum-steps", "0", "--seed", "2",
            ], timeout: 300)
        XCTAssertEqual(trained.exitCode, 0, "\(trained)")
        let modelBytes = try Data(contentsOf: model)

        let configuration = try write(
            """
            name: \(Self.runName)
            seed: 7
            \(Self.fixture.yaml)
            strategy:
              kind: evolution
              population: 4
              sample_size: 2
              cycles: 12
              predictor: peephole
              predictor_model: models/peephole.json
              predictor_generations: 1
              train_top_k: 4
            training:
              epochs: 2
            trainer:
              builtin: surrogate
              epoch_delay: 100ms
            """, to: "transfer.yaml", in: directory)
        let checked = try await NASDCommand.run(["config", "check", configuration.path], timeout: 60)
        XCTAssertEqual(checked.exitCode, 0, "the model is found next to the configuration: \(checked)")

        // `nasd replay --config` finds the model next to the configuration too (not in the working
        // directory), over the recorded curves of the whole space.
        let everything = try write(curves.text, to: "space.jsonl", in: directory)
        let replayed = try await NASDCommand.run(
            [
                "replay", "--data", everything.path, "--space", "metaqnn", "--strategy", "evolution", "--budget", "8",
                "--seeds", "1", "--config", configuration.path, "--json",
            ], timeout: 120)
        XCTAssertEqual(replayed.exitCode, 0, "\(replayed)")

        // The reference: never interrupted.
        let referenceState = directory.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: referenceState, withIntermediateDirectories: true)
        let reference = try await startDaemon(stateDirectory: referenceState, name: "reference daemon")
        _ = try startWorker(id: Self.workerID, daemon: reference)
        try await submit(configuration, to: reference)
        let referenceStatus = try await waitForRunToEnd(Self.runName, in: referenceState, timeout: 120)
        XCTAssertEqual(referenceStatus.state, "finished")
        let referenceTrials = try await trials(of: Self.runName, in: referenceState)
        XCTAssertEqual(
            referenceTrials.filter(\.isTrainedCompletion).count, 12, "no warm-up: the 12 cycles are the whole run")
        XCTAssertEqual(
            try Data(contentsOf: referenceState.appendingPathComponent("\(Self.runName)/strategy-model.json")),
            modelBytes, "the run keeps a copy of the model it started from")

        // The same run, its daemon killed once the first round's results come in; the model file is
        // then spoilt, and the resumed run must not notice.
        let state = directory.appendingPathComponent("killed")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        var daemon = try await startDaemon(stateDirectory: state, port: port, name: "daemon 1")
        _ = try startWorker(id: Self.workerID, daemon: daemon)
        try await submit(configuration, to: daemon)
        let before = try await eventually("the first results", timeout: 60) { () -> RunStatusPayload? in
            let status = try await self.status(of: Self.runName, in: state)
            return status.counts.completed >= 2 ? status : nil
        }
        await daemon.process.kill()
        XCTAssertFalse(before.hasEnded, "the kill landed mid-run (\(before.counts.completed) completed)")
        try Data("{\"format\": \"nasd.peephole\"".utf8).write(to: model)
        let refused = try await NASDCommand.run(["config", "check", configuration.path], timeout: 60)
        XCTAssertNotEqual(refused.exitCode, 0)
        XCTAssertTrue(refused.errorText.contains("strategy.predictor_model"), refused.errorText)
        daemon = try await startDaemon(stateDirectory: state, port: port, name: "daemon 2")
        let resumed = try await waitForRunToEnd(Self.runName, in: state, timeout: 120)
        XCTAssertEqual(resumed.state, "finished")
        let resumedTrials = try await trials(of: Self.runName, in: state)
        XCTAssertEqual(
            resumedTrials.filter(\.isTrainedCompletion).map(Self.result).sorted(),
            referenceTrials.filter(\.isTrainedCompletion).map(Self.result).sorted(),
            "the resumed run trained what the uninterrupted run trained")
        XCTAssertEqual(resumed.best?.canonicalNotation, referenceStatus.best?.canonicalNotation)
    }

    /// A completed trial's network and final accuracy.
    private static func result(_ trial: TrialPayload) -> String {
        "\(trial.canonicalNotation) \(String(format: "%.9f", trial.finalAccuracy ?? -1))"
    }
}
