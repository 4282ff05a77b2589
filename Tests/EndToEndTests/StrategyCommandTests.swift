import Foundation
import NASTestSupport
import XCTest

/// Issue 7: a MetaQNN run through the real daemon and workers, and `nasd import metaqnn-replay`.
final class StrategyCommandTests: EndToEndTestCase {
    func testMetaQNNRun_endsWithItsSchedule_trainingEachNetworkOnce() async throws {
        let state = try makeTemporaryDirectory()
        let file = try write(
            """
            name: q
            seed: 3
            space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3], max_depth: 5}
            strategy:
              kind: metaqnn
              epsilon_schedule: [{epsilon: 1.0, models: 20}, {epsilon: 0.5, models: 10}, {epsilon: 0.1, models: 10}]
            training: {epochs: 3}
            trainer: {builtin: surrogate, epoch_delay: 0s}
            """, to: "q.yaml", in: state)
        let run = try await nasd(["run", file.path, "--workers", "3"], stateDirectory: state, timeout: 90)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        XCTAssertTrue(run.outputText.contains("the metaqnn strategy finished"), run.outputText)
        let trials = try await trials(of: "q", in: state)
        let trained = trials.filter { $0.state == "completed" }.map(\.canonicalNotation)
        XCTAssertEqual(Set(trained).count, trained.count, "a network was trained twice")
        XCTAssertGreaterThanOrEqual(trained.count, 40)
        XCTAssertLessThanOrEqual(trained.count, 40 + 3 * 3, "at most one extra per worker and step")
    }

    func testImportMetaQNNReplay_printsWhatWasImported_andRefusesASecondImport() async throws {
        let database = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        let state = try makeTemporaryDirectory()
        let config = TestEnvironment.packageRoot.appendingPathComponent("configs/metaqnn-svhn.yaml").path
        let arguments = ["import", "metaqnn-replay", database.path, "--config", config]
        let imported = try await nasd(arguments, stateDirectory: state, timeout: 120)
        XCTAssertEqual(imported.exitCode, 0, "\(imported)")
        for line in [
            "rows: 1983 (73 rejected, 0 not in the space, 1910 imported)", "unique networks: 1789",
            "never learned (accuracy 0.1): 884 rows", "log: last ε 0.8 with 116 unique networks",
            "ε position: ε=0.7, 0/100 models",
        ] {
            XCTAssertTrue(imported.standardOutput.contains(line), "missing '\(line)' in\n\(imported.outputText)")
        }
        XCTAssertTrue(imported.outputText.contains("q_values.csv: 4056 shared"), imported.outputText)
        let view = try await status(of: "metaqnn-svhn", in: state)
        XCTAssertEqual(view.state, "active")
        XCTAssertEqual(view.counts.total, 0)

        let again = try await nasd(arguments, stateDirectory: state, timeout: 120)
        XCTAssertEqual(again.exitCode, 1, "\(again)")
        XCTAssertTrue(again.errorText.contains("--restart"), again.errorText)

        let hyperband = TestEnvironment.packageRoot.appendingPathComponent("configs/hyperband.yaml").path
        let wrong = try await nasd(
            ["import", "metaqnn-replay", database.path, "--config", hyperband], stateDirectory: state, timeout: 60)
        XCTAssertEqual(wrong.exitCode, 2, "\(wrong)")
        XCTAssertTrue(wrong.errorText.contains("needs 'metaqnn'"), wrong.errorText)
    }
}
