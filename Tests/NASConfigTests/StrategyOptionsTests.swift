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

/// `strategy.predictor_model`: a transferred model for predictor-driven evolution.
final class PredictorModelOptionTests: XCTestCase {
    private func configuration(strategy: String) throws -> RunConfiguration {
        try NB201EvolutionConfiguration.configuration(strategy: strategy)
    }

    private func evolution(_ strategy: String) throws -> EvolutionOptions {
        try NB201EvolutionConfiguration.evolution(strategy)
    }

    func testModel_isReadAsWritten_andTheWarmupDefaultsToZero() throws {
        let options = try evolution("{kind: evolution, population: 8, predictor: peephole, predictor_model: m.json}")
        XCTAssertEqual(options.predictorModel, "m.json")
        XCTAssertEqual(options.predictorWarmup, 0, "the model ranks the first round")
        let plain = try evolution("{kind: evolution, population: 8, predictor: peephole}")
        XCTAssertNil(plain.predictorModel)
        XCTAssertEqual(plain.predictorWarmup, 8, "without a model the warm-up is the population")
        XCTAssertEqual(EvolutionOptions(population: 8, predictor: .peephole, predictorModel: "m").predictorWarmup, 0)
    }

    func testModel_allowsAnExplicitWarmup_downToZero_whichWithoutAModelIsRefused() throws {
        XCTAssertEqual(
            try evolution("{kind: evolution, predictor: peephole, predictor_model: m.json, predictor_warmup: 6}")
                .predictorWarmup, 6)
        XCTAssertThrowsError(try evolution("{kind: evolution, predictor: peephole, predictor_warmup: 0}")) { error in
            XCTAssertEqual(
                "\(error)", "t.yaml:3:68: error: strategy.predictor_warmup: expected an integer ≥ 2, found '0'")
        }
    }

    func testModel_withoutAPredictor_isALocatedError() {
        XCTAssertThrowsError(try evolution("{kind: evolution, predictor_model: m.json}")) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.hasPrefix("t.yaml:3:29: error: strategy.predictor_model: a predictor model needs a predictor"),
                text)
            XCTAssertTrue(text.contains("predictor: peephole"), "the hint names the fix: \(text)")
        }
    }

    func testModel_onAnotherStrategy_isAnUnknownKey() {
        XCTAssertThrowsError(try configuration(strategy: "{kind: metaqnn, predictor_model: m.json}")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("t.yaml:3:"), text)
            XCTAssertTrue(text.contains("strategy.predictor_model"), text)
        }
    }

    func testModel_isPartOfTheSearchIdentity() throws {
        let base = "{kind: evolution, predictor: peephole, predictor_warmup: 4"
        let without = try configuration(strategy: base + "}")
        let with = try configuration(strategy: base + ", predictor_model: m.json}")
        let other = try configuration(strategy: base + ", predictor_model: n.json}")
        XCTAssertEqual(with.searchDifferences(from: without), ["strategy.predictor_model: (absent) → \"m.json\""])
        XCTAssertNotEqual(with.searchIdentity, other.searchIdentity)
        XCTAssertEqual(without.searchIdentity.contains("predictor_model"), false, "earlier runs keep their identity")
    }
}

/// `strategy.predictor_ensemble`: RNAS rankers averaged per round.
final class PredictorEnsembleOptionTests: XCTestCase {
    private func configuration(strategy: String) throws -> RunConfiguration {
        try NB201EvolutionConfiguration.configuration(strategy: strategy)
    }

    private func evolution(_ strategy: String) throws -> EvolutionOptions {
        try NB201EvolutionConfiguration.evolution(strategy)
    }

    func testEnsemble_defaultsToOne_andIsRead() throws {
        XCTAssertEqual(try evolution("{kind: evolution, predictor: rnas}").predictorEnsemble, 1)
        XCTAssertEqual(try evolution("{kind: evolution, predictor: rnas, predictor_ensemble: 5}").predictorEnsemble, 5)
    }

    func testEnsemble_outOfRange_orWithoutRNAS_orWithAModel_isALocatedError() {
        XCTAssertThrowsError(try evolution("{kind: evolution, predictor: rnas, predictor_ensemble: 0}")) { error in
            XCTAssertTrue(
                "\(error)".contains("strategy.predictor_ensemble: expected an integer in [1, 100]"), "\(error)")
        }
        XCTAssertThrowsError(try evolution("{kind: evolution, predictor: peephole, predictor_ensemble: 3}")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("t.yaml:3:"), text)
            XCTAssertTrue(
                text.contains("strategy.predictor_ensemble: an ensemble of rankers needs 'predictor: rnas'"), text)
        }
        XCTAssertThrowsError(
            try evolution("{kind: evolution, predictor: rnas, predictor_model: m.json, predictor_ensemble: 3}")
        ) { error in
            XCTAssertTrue("\(error)".contains("the model's own settings"), "\(error)")
        }
    }

    func testEnsemble_isPartOfTheSearchIdentity_onlyWhenNotTheDefault() throws {
        let base = "{kind: evolution, predictor: rnas, predictor_warmup: 4"
        let without = try configuration(strategy: base + "}")
        let one = try configuration(strategy: base + ", predictor_ensemble: 1}")
        let five = try configuration(strategy: base + ", predictor_ensemble: 5}")
        XCTAssertEqual(without.searchIdentity, one.searchIdentity, "earlier runs keep their identity")
        XCTAssertFalse(without.searchIdentity.contains("predictor_ensemble"))
        XCTAssertEqual(five.searchDifferences(from: without), ["strategy.predictor_ensemble: (absent) → 5"])
    }
}

/// `strategy.predictor_exploration`: an ensemble's optimistic score.
final class PredictorExplorationOptionTests: XCTestCase {
    private func evolution(_ strategy: String) throws -> EvolutionOptions {
        try NB201EvolutionConfiguration.evolution(strategy)
    }

    func testExploration_defaultsToZero_andIsRead() throws {
        XCTAssertEqual(
            try evolution("{kind: evolution, predictor: rnas, predictor_ensemble: 3}").predictorExploration, 0)
        XCTAssertEqual(
            try evolution("{kind: evolution, predictor: rnas, predictor_ensemble: 3, predictor_exploration: 0.5}")
                .predictorExploration, 0.5)
        XCTAssertEqual(
            try evolution("{kind: evolution, predictor: rnas, predictor_model: m.json, predictor_exploration: 1}")
                .predictorExploration, 1, "a transferred model's ensemble size is checked when it is read")
    }

    func testExploration_negative_orWithoutAnEnsemble_isALocatedError() {
        XCTAssertThrowsError(
            try evolution("{kind: evolution, predictor: rnas, predictor_ensemble: 3, predictor_exploration: -1}")
        ) { error in
            XCTAssertTrue("\(error)".contains("strategy.predictor_exploration: expected a number ≥ 0"), "\(error)")
        }
        XCTAssertThrowsError(try evolution("{kind: evolution, predictor: rnas, predictor_exploration: 1}")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("t.yaml:3:"), text)
            XCTAssertTrue(text.contains("strategy.predictor_exploration: exploration scores by the disagreement"), text)
            XCTAssertTrue(text.contains("this strategy has one ranker"), text)
            XCTAssertTrue(text.contains("predictor_ensemble: 3"), text)
        }
        XCTAssertThrowsError(try evolution("{kind: evolution, predictor: peephole, predictor_exploration: 1}")) {
            error in
            XCTAssertTrue("\(error)".contains("this strategy has no RNAS ranker"), "\(error)")
        }
        XCTAssertNoThrow(
            try evolution("{kind: evolution, predictor: rnas, predictor_exploration: 0}"), "0 is the default")
    }

    func testExploration_isPartOfTheSearchIdentity_onlyWhenNotTheDefault() throws {
        let base = "{kind: evolution, predictor: rnas, predictor_warmup: 4, predictor_ensemble: 3"
        let without = try NB201EvolutionConfiguration.configuration(strategy: base + "}")
        let zero = try NB201EvolutionConfiguration.configuration(strategy: base + ", predictor_exploration: 0}")
        let one = try NB201EvolutionConfiguration.configuration(strategy: base + ", predictor_exploration: 1.5}")
        XCTAssertEqual(without.searchIdentity, zero.searchIdentity, "earlier runs keep their identity")
        XCTAssertFalse(without.searchIdentity.contains("predictor_exploration"))
        XCTAssertEqual(one.searchDifferences(from: without), ["strategy.predictor_exploration: (absent) → 1.5"])
    }
}

/// A NAS-Bench-201 run with the given `strategy:` section, for the predictor options' tests.
private enum NB201EvolutionConfiguration {
    static func configuration(strategy: String) throws -> RunConfiguration {
        try RunConfiguration(
            yaml: """
                name: t
                space: {kind: nb201}
                strategy: \(strategy)
                training: {epochs: 5}
                trainer: {builtin: replay, file: curves.jsonl}
                """, file: "t.yaml")
    }

    static func evolution(_ strategy: String) throws -> EvolutionOptions {
        guard case .evolution(let options) = try configuration(strategy: strategy).strategy else {
            throw ConfigError(file: "t.yaml", position: .start, message: "not evolution")
        }
        return options
    }
}
