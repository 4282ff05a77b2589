import NASConfig
import XCTest

/// The strategy and prior options added for the search-strategy issue: `diverged_restart` and
/// `prior.reward_vetoed`.
final class StrategyOptionsTests: XCTestCase {
    private func configuration(strategy: String, extra: String = "") throws -> RunConfiguration {
        let yaml = """
            name: t
            space: {kind: metaqnn}
            strategy: \(strategy)
            training: {epochs: 5}
            trainer: {builtin: surrogate}
            \(extra)
            """
        return try RunConfiguration(yaml: yaml, file: "t.yaml")
    }

    func testDivergedRestart_isOffWhenAbsent() throws {
        let parsed = try configuration(strategy: "{kind: metaqnn}")
        XCTAssertNil(parsed.strategy.divergedRestart)
    }

    func testDivergedRestart_emptyMap_takesTheOriginalCodesValues() throws {
        let parsed = try configuration(strategy: "{kind: metaqnn, diverged_restart: {}}")
        XCTAssertEqual(parsed.strategy.divergedRestart, DivergedRestartOptions(threshold: 0.15, factor: 0.4, tries: 5))
    }

    func testDivergedRestart_readsEveryKey_andScalesTheLearningRate() throws {
        let parsed = try configuration(
            strategy: "{kind: metaqnn, diverged_restart: {threshold: 0.2, factor: 0.5, tries: 3}}")
        let options = try XCTUnwrap(parsed.strategy.divergedRestart)
        XCTAssertEqual(options, DivergedRestartOptions(threshold: 0.2, factor: 0.5, tries: 3))
        XCTAssertEqual(options.learningRate(base: 0.001, restart: 2), 0.00025, accuracy: 1e-15)
        XCTAssertEqual(options.learningRate(base: 0.001, restart: 0), 0.001)
    }

    func testDivergedRestart_triesZero_isALocatedError() {
        XCTAssertThrowsError(try configuration(strategy: "{kind: metaqnn, diverged_restart: {tries: 0}}")) { error in
            XCTAssertEqual(
                "\(error)",
                "t.yaml:3:53: error: strategy.diverged_restart.tries: expected an integer ≥ 1, found '0'")
        }
    }

    func testRewardVetoed_defaultsToFalse_andParses() throws {
        let plain = try configuration(strategy: "{kind: metaqnn}", extra: "prior: {kind: peephole, veto_below: 0.5}")
        XCTAssertEqual(plain.prior?.rewardVetoed, false)
        let rewarding = try configuration(
            strategy: "{kind: metaqnn}", extra: "prior: {kind: peephole, veto_below: 0.5, reward_vetoed: true}")
        XCTAssertEqual(rewarding.prior?.rewardVetoed, true)
    }
}
