import NASConfig
import XCTest

/// The `prior:` section: exactly one veto rule, the schedule and audit keys, the transferred model.
final class PriorConfigurationTests: XCTestCase {
    private func prior(_ section: String) throws -> PriorConfiguration? {
        let yaml = """
            name: t
            space: {kind: metaqnn}
            strategy: {kind: random}
            training: {epochs: 5}
            trainer: {builtin: surrogate}
            end: {max_trials: 5}
            prior: \(section)
            """
        return try RunConfiguration(yaml: yaml, file: "t.yaml").prior
    }

    func testEveryKey_isRead() throws {
        XCTAssertEqual(
            try prior(
                "{kind: peephole, veto_quantile: 0.3, train_after: 20, retrain_every: 7, audit_fraction: 0.1, "
                    + "reward_vetoed: true, model: /tmp/m.json}"),
            PriorConfiguration(
                kind: .peephole, vetoRule: .quantile(0.3), trainAfter: 20, retrainEvery: 7, rewardVetoed: true,
                auditFraction: 0.1, model: "/tmp/m.json"))
    }

    func testDefaults_areTheIssues() throws {
        XCTAssertEqual(
            try prior("{kind: peephole, veto_below: 0.4}"),
            PriorConfiguration(
                kind: .peephole, vetoRule: .below(0.4), trainAfter: 100, retrainEvery: 50, rewardVetoed: false,
                auditFraction: 0.05, model: nil))
    }

    func testQuantileOutOfRange_isLocated() {
        XCTAssertThrowsError(try prior("{kind: peephole, veto_quantile: 2}")) {
            XCTAssertEqual(
                "\($0)", "t.yaml:7:40: error: prior.veto_quantile: expected a number in [0, 1], found '2'")
        }
    }

    func testRuleChange_changesTheSearchIdentity() throws {
        func identity(_ section: String) throws -> String {
            try RunConfiguration(
                yaml: """
                    name: t
                    space: {kind: metaqnn}
                    strategy: {kind: random}
                    training: {epochs: 5}
                    trainer: {builtin: surrogate}
                    end: {max_trials: 5}
                    prior: \(section)
                    """, file: "t.yaml"
            ).searchIdentity
        }
        XCTAssertNotEqual(
            try identity("{kind: peephole, veto_below: 0.3}"), try identity("{kind: peephole, veto_quantile: 0.3}"))
        XCTAssertNotEqual(
            try identity("{kind: peephole, veto_below: 0.3}"),
            try identity("{kind: peephole, veto_below: 0.3, retrain_every: 9}"))
    }
}
