import Foundation
import XCTest

/// Issue 3 §7, end to end: one daemon, three worker processes, two runs submitted at once sharing
/// the workers, both trained to completion with the surrogate.
final class SharedWorkersTests: EndToEndTestCase {
    private static let maxTrials = 10
    private static let epochs = 5

    private static func configuration(name: String, seed: Int) -> String {
        """
        name: \(name)
        seed: \(seed)
        space:
          kind: metaqnn
          filters: [32, 64]
          kernels: [1, 3]
          max_depth: 4
        strategy:
          kind: random
        training:
          epochs: \(epochs)
        trainer:
          builtin: surrogate
          epoch_delay: 0.02s
        end:
          max_trials: \(maxTrials)
        """
    }

    func testTwoRunsSubmittedAtOnce_shareThreeWorkersAndBothRunToCompletion() async throws {
        let state = try makeTemporaryDirectory()
        let daemon = try await startDaemon(stateDirectory: state)
        for index in 1...3 {
            _ = try startWorker(id: "w\(index)", daemon: daemon)
        }
        let runs = ["alpha", "beta"]
        let files = try runs.enumerated().map { index, run in
            try write(Self.configuration(name: run, seed: 100 + index), to: "\(run).yaml", in: state)
        }
        async let first = NASDCommand.run(["submit", files[0].path, "--state-dir", state.path])
        async let second = NASDCommand.run(["submit", files[1].path, "--state-dir", state.path])
        for outcome in try await [first, second] {
            XCTAssertEqual(outcome.exitCode, 0, "submit: \(outcome)")
        }

        var live: [String: [TrialPayload]] = [:]
        for run in runs {
            let status = try await waitForRunToEnd(run, in: state, timeout: 60)
            XCTAssertEqual(status.state, "finished", "\(run): \(status.finishReason ?? "")")
            XCTAssertEqual(status.counts.running, 0, run)
            XCTAssertEqual(status.counts.queued, 0, run)
            XCTAssertEqual(status.counts.failed, 0, run)
            XCTAssertEqual(status.counts.completed - status.counts.reused, Self.maxTrials, run)
            let trials = try await trials(of: run, in: state)
            let trained = trials.filter(\.isTrainedCompletion)
            XCTAssertEqual(trained.count, Self.maxTrials, "\(run): trained completions")
            XCTAssertEqual(
                Set(trained.map(\.canonicalNotation)).count, trained.count, "\(run): a network trained twice")
            for trial in trained {
                XCTAssertEqual(trial.epochsDone, Self.epochs, "\(run) trial \(trial.id)")
                XCTAssertEqual(trial.attempts, 1, "\(run) trial \(trial.id)")
                let accuracy = try XCTUnwrap(trial.finalAccuracy, "\(run) trial \(trial.id)")
                XCTAssertTrue((0...1).contains(accuracy), "\(run) trial \(trial.id): \(accuracy)")
                XCTAssertNotNil(trial.worker, "\(run) trial \(trial.id)")
            }
            let bestTrained = try XCTUnwrap(trained.max { ($0.finalAccuracy ?? 0) < ($1.finalAccuracy ?? 0) })
            XCTAssertEqual(status.best?.accuracy, bestTrained.finalAccuracy, run)
            live[run] = trials
        }
        let servedBy = Set(live.values.joined().compactMap(\.worker))
        XCTAssertTrue(servedBy.isSubset(of: ["w1", "w2", "w3"]), "\(servedBy)")
        XCTAssertGreaterThanOrEqual(servedBy.count, 2, "the runs were trained by \(servedBy)")

        let all = try await nasdJSON([RunStatusPayload].self, ["status"], stateDirectory: state)
        XCTAssertEqual(all.map(\.name).sorted(), runs)
        XCTAssertEqual(all.map(\.state), ["finished", "finished"])

        // The stores hold the same results: read them again with the daemon gone.
        let shutdown = try await nasd(["shutdown"], stateDirectory: state)
        XCTAssertEqual(shutdown.exitCode, 0, "\(shutdown)")
        let exit = await daemon.process.waitForExit(seconds: 30)
        XCTAssertEqual(exit, .exited(0), "the daemon after 'nasd shutdown'")
        for run in runs {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: state.appendingPathComponent("\(run)/run.sqlite").path), run)
            let offline = try await trials(of: run, in: state)
            XCTAssertEqual(offline, live[run], "\(run): the store read offline differs from the live answer")
        }
    }
}
