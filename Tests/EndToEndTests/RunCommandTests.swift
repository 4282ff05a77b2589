import Foundation
import XCTest

/// Issue 3 §6: `nasd run` resumes a run of the same name, refuses one whose search changed (showing
/// the difference), and starts afresh with `--restart`.
final class RunCommandTests: EndToEndTestCase {
    private func configuration(seed: Int) -> String {
        """
        name: quick
        seed: \(seed)
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3], max_depth: 6}
        strategy: {kind: random}
        training: {epochs: 3}
        trainer: {builtin: surrogate, epoch_delay: 0s}
        end: {max_trials: 6}
        """
    }

    func testChangedSearch_isRefusedWithTheDifference_andRestartArchivesTheOldRun() async throws {
        let state = try makeTemporaryDirectory()
        let file = try write(configuration(seed: 1), to: "quick.yaml", in: state)
        let first = try await nasd(["run", file.path, "--workers", "2"], stateDirectory: state, timeout: 60)
        XCTAssertEqual(first.exitCode, 0, "\(first)")
        XCTAssertTrue(first.outputText.contains("run 'quick' finished"), first.outputText)

        _ = try write(configuration(seed: 2), to: "quick.yaml", in: state)
        let refused = try await nasd(["run", file.path, "--workers", "2"], stateDirectory: state, timeout: 60)
        XCTAssertEqual(refused.exitCode, 1, "\(refused)")
        XCTAssertTrue(refused.errorText.contains("different search"), refused.errorText)
        XCTAssertTrue(refused.errorText.contains("seed"), refused.errorText)
        XCTAssertTrue(refused.errorText.contains("--restart"), refused.errorText)

        let restarted = try await nasd(
            ["run", file.path, "--workers", "2", "--restart"], stateDirectory: state, timeout: 60)
        XCTAssertEqual(restarted.exitCode, 0, "\(restarted)")
        XCTAssertTrue(restarted.outputText.contains("run 'quick' restarted"), restarted.outputText)
        let archived = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("archive").path)
        XCTAssertEqual(archived.count, 1)
        let view = try await status(of: "quick", in: state)
        XCTAssertEqual(view.state, "finished")
        XCTAssertEqual(view.counts.completed - view.counts.reused, 6)
    }
}
