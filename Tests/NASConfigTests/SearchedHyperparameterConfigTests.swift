import NASConfig
import NASCore
import XCTest

/// `training.hyperparameters` ranges, `final:` and `trainer.checkpoint_root` (issue 7 §3–§5).
final class SearchedHyperparameterConfigTests: XCTestCase {
    private let yaml = """
        name: ranges
        space: {kind: metaqnn}
        strategy: {kind: random}
        training:
          epochs: 5
          hyperparameters:
            learning_rate: {log_uniform: [1e-4, 1e-1]}
            momentum: {uniform: [0.8, 0.95]}
            batch_size: {choice: [64, 128]}
            weight_decay: 0.0005
        trainer: {builtin: surrogate, checkpoint_root: /shared/nasd-checkpoints}
        end: {max_trials: 10}
        final: {top_k: 3, epochs: 50, hyperparameters: {learning_rate: 0.01}, seeds: 2}
        """

    func testRangesFinalAndCheckpointRoot_areRead() throws {
        let configuration = try RunConfiguration(yaml: yaml, file: "ranges.yaml")
        let hyperparameters = configuration.training.hyperparameters
        XCTAssertEqual(hyperparameters["learning_rate"], .logUniform(low: 1e-4, high: 1e-1))
        XCTAssertEqual(hyperparameters["momentum"], .uniform(low: 0.8, high: 0.95))
        XCTAssertEqual(hyperparameters["batch_size"], .choice([64, 128]))
        XCTAssertEqual(hyperparameters["weight_decay"], 0.0005)
        XCTAssertTrue(hyperparameters.isSearched)
        XCTAssertEqual(
            configuration.final,
            FinalPhaseConfiguration(topK: 3, epochs: 50, hyperparameters: ["learning_rate": 0.01], seeds: 2))
        XCTAssertEqual(configuration.checkpointRoot, "/shared/nasd-checkpoints")
        XCTAssertTrue(configuration.summary.contains("final: top 3 retrained for 50 epochs, 2 seeds each"))
        XCTAssertTrue(
            configuration.summary.contains { $0.contains("learning_rate=log_uniform[0.0001, 0.1]") },
            "\(configuration.summary)")
    }

    func testFinalDefaults_andAbsentSections() throws {
        let plain = try RunConfiguration(
            yaml: yaml.replacingOccurrences(
                of: "{top_k: 3, epochs: 50, hyperparameters: {learning_rate: 0.01}, seeds: 2}", with: "{epochs: 9}"),
            file: "f.yaml")
        XCTAssertEqual(plain.final, FinalPhaseConfiguration(topK: 5, epochs: 9, hyperparameters: [:], seeds: 1))
        let none = try RunConfiguration(
            yaml: "name: n\nspace: {kind: metaqnn}\nstrategy: {kind: random}\ntraining: {epochs: 2}\n"
                + "trainer: {builtin: surrogate}\nend: {max_trials: 1}\n", file: "n.yaml")
        XCTAssertNil(none.final)
        XCTAssertNil(none.checkpointRoot)
    }

    func testSearchIdentity_namesRanges_andKeepsFixedValuesAsNumbers() throws {
        let configuration = try RunConfiguration(yaml: yaml, file: "ranges.yaml")
        XCTAssertTrue(configuration.searchIdentity.contains(#""learning_rate": {"log_uniform": [0.0001, 0.1]}"#))
        XCTAssertTrue(configuration.searchIdentity.contains(#""weight_decay": 0.0005"#))
        var narrower = configuration
        narrower.training.hyperparameters["learning_rate"] = .logUniform(low: 1e-3, high: 1e-1)
        XCTAssertEqual(
            narrower.searchDifferences(from: configuration),
            ["training.hyperparameters.learning_rate.log_uniform: [0.0001, 0.1] → [0.001, 0.1]"])
        // The checkpoint root may change between restarts; the final phase is part of the search.
        var moved = configuration
        moved.checkpointRoot = "/elsewhere"
        XCTAssertEqual(moved.searchIdentity, configuration.searchIdentity)
        var longer = configuration
        longer.final?.epochs = 100
        XCTAssertEqual(longer.searchDifferences(from: configuration), ["final.epochs: 50 → 100"])
    }
}
