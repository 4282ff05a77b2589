import Foundation
import XCTest

/// Issue 7 §3 through the real daemon and workers: Hyperband's promotions train the same trial on
/// from its last epoch (one trial and one curve per network), so a whole iteration costs the
/// epochs of successive halving with continuation, not of retraining every rung from scratch.
final class HyperbandRunTests: EndToEndTestCase {
    func testHyperbandRun_promotesTrialsInPlace_andEndsAfterItsBrackets() async throws {
        let state = try makeTemporaryDirectory()
        let file = try write(
            """
            name: hb
            seed: 5
            space: {kind: metaqnn, filters: [32, 64, 128], kernels: [1, 3, 5], pools: [[5, 3], [3, 2], [2, 2]], fc_sizes: [256, 128], max_depth: 8}
            strategy: {kind: hyperband, max_resource: 9, eta: 3, iterations: 1}
            training: {epochs: 9}
            trainer: {builtin: surrogate, epoch_delay: 0s}
            """, to: "hb.yaml", in: state)
        let outcome = try await nasd(["run", file.path, "--workers", "2"], stateDirectory: state, timeout: 120)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(outcome.outputText.contains("run 'hb' finished"), outcome.outputText)
        let status = try await status(of: "hb", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.failed, 0)
        let trials = try await trials(of: "hb", in: state)
        let trained = trials.filter(\.isTrainedCompletion)
        XCTAssertEqual(Set(trained.map(\.canonicalNotation)).count, trained.count, "one trial per network")
        // R = 9, η = 3: brackets 9@1 → 3@3 → 1@9, 5@3 → 1@9 (hence 3 networks reach 9 epochs), 3@9.
        XCTAssertTrue(trained.allSatisfy { $0.epochsDone == $0.epochBudget }, "\(trained.map(\.epochsDone))")
        XCTAssertGreaterThanOrEqual(trained.filter { $0.epochBudget == 9 }.count, 4)
        // Promotions continue from the last epoch: the whole iteration costs at most the sum over
        // trained trials of their final budgets (no rung retrained from scratch).
        XCTAssertEqual(status.epochsSpent, trained.reduce(0) { $0 + $1.epochBudget })
        let fromScratch = 9 * 1 + 3 * 3 + 1 * 9 + 5 * 3 + 1 * 9 + 3 * 9
        XCTAssertLessThan(status.epochsSpent, fromScratch, "promoted trials were not retrained from scratch")
    }
}
