import NASConfig
import NASSearch
import XCTest

@testable import NASDaemon

/// `SearchSetup` hands `training.hyperparameters` ranges to the strategies (issue 7 §4).
final class SearchSetupHyperparameterTests: XCTestCase {
    private func configuration(_ strategy: String) throws -> RunConfiguration {
        try RunConfiguration(
            yaml: """
                name: h
                space: {kind: nb201}
                strategy: \(strategy)
                training: {epochs: 12, hyperparameters: {learning_rate: {log_uniform: [0.001, 0.1]}, momentum: 0.9}}
                trainer: {builtin: surrogate}
                end: {max_trials: 10}
                """, file: "h.yaml")
    }

    func testEveryStrategyKind_proposesDrawnHyperparameters() throws {
        for strategy in [
            "{kind: random}", "{kind: evolution, population: 3, sample_size: 2, cycles: 5}",
            "{kind: metaqnn, epsilon_schedule: [{epsilon: 1.0, models: 5}]}", "{kind: hyperband, max_resource: 9}",
        ] {
            var made = try SearchSetup.makeStrategy(for: configuration(strategy))
            guard case .train(let candidate) = try made.propose() else { return XCTFail(strategy) }
            XCTAssertTrue((0.001..<0.1).contains(candidate.hyperparameters["learning_rate"] ?? -1), strategy)
            XCTAssertEqual(candidate.hyperparameters["momentum"], 0.9, strategy)
        }
    }

    func testRNASDrivenEvolution_refusesRanges_naming_theKey() throws {
        XCTAssertThrowsError(
            try SearchSetup.makeStrategy(
                for: configuration("{kind: evolution, predictor: rnas, population: 3, sample_size: 2, cycles: 5}"))
        ) { error in
            XCTAssertEqual((error as? SearchSetup.Unsupported)?.keyPath, "training.hyperparameters", "\(error)")
        }
    }
}
