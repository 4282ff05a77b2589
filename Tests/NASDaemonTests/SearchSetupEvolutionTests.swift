import Foundation
import NASConfig
import NASCore
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// `SearchSetup` builds the nb201 space, regularized evolution and RNAS-driven evolution; spaces
/// without mutations and Peephole-driven evolution are refused with the key path.
final class SearchSetupEvolutionTests: XCTestCase {
    private func configuration(space: String, strategy: String) throws -> RunConfiguration {
        try RunConfiguration(
            yaml: """
                name: setup
                seed: 3
                space: \(space)
                strategy: \(strategy)
                training: {epochs: 12}
                trainer: {builtin: replay, file: curves.jsonl}
                """, file: "setup.yaml")
    }

    func testEvolutionOverNB201_proposesCellsOfTheConfiguredOps() throws {
        let configuration = try configuration(
            space: "{kind: nb201, ops: [none, nor_conv_1x1]}",
            strategy: "{kind: evolution, population: 4, sample_size: 2}")
        var strategy = try SearchSetup.makeStrategy(for: configuration)
        XCTAssertEqual(strategy.kind, "evolution")
        for _ in 0..<4 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected a candidate") }
            let cell = try XCTUnwrap(candidate.network.nb201Cell)
            XCTAssertTrue(cell.operations.allSatisfy { $0 == .none || $0 == .convolution1x1 }, "\(cell)")
            XCTAssertEqual(candidate.budget, 12)
        }
    }

    func testEvolutionWithRNAS_isThePredictorDrivenStrategy_withItsWarmup() throws {
        let configuration = try configuration(
            space: "{kind: nb201}",
            strategy: "{kind: evolution, population: 4, sample_size: 2, predictor: rnas, predictor_warmup: 6}")
        var strategy = try SearchSetup.makeStrategy(for: configuration)
        XCTAssertTrue(strategy is PredictorDrivenEvolution)
        XCTAssertEqual(strategy.kind, "evolution", "replay reports it under the word evolution")
        for _ in 0..<6 {
            guard case .train = try strategy.propose() else { return XCTFail("expected a warm-up candidate") }
        }
        XCTAssertEqual(try strategy.propose(), .waitForResults, "the first round waits for the warm-up's results")
    }

    func testEvolution_isRefused_overBlocks() throws {
        XCTAssertThrowsError(
            try SearchSetup.makeStrategy(for: try configuration(space: "{kind: blocks}", strategy: "{kind: evolution}"))
        ) { error in
            XCTAssertEqual((error as? SearchSetup.Unsupported)?.keyPath, "strategy.kind", "\(error)")
        }
    }

    func testPeepholeDrivenEvolution_asksForPeepholeModels() throws {
        let configuration = try configuration(
            space: "{kind: nb201}",
            strategy: "{kind: evolution, population: 4, sample_size: 2, predictor: peephole, predictor_warmup: 3}")
        var strategy = try SearchSetup.makeStrategy(for: configuration)
        var candidates: [Candidate] = []
        for _ in 0..<3 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected a candidate") }
            candidates.append(candidate)
        }
        for (index, candidate) in candidates.enumerated() {
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [0.5 + 0.1 * Double(index)])))
        }
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1))
        XCTAssertEqual(strategy.modelRequest?.predictor.name, "peephole")
        XCTAssertEqual(strategy.modelRequest?.examples?.count, 3)
    }

    func testReplaySetup_usesTheConfigsSectionOnlyForTheWordOfItsKind() throws {
        let base = try configuration(
            space: "{kind: nb201, ops: [none, skip_connect]}", strategy: "{kind: evolution, population: 7}")
        let evolution = try ReplaySetup.configuration(
            strategy: "evolution", space: "nb201", budget: 100, epochs: 12, dataPath: "/d", base: base, seed: 5)
        XCTAssertEqual(evolution.strategy, .evolution(EvolutionOptions(population: 7)))
        XCTAssertEqual(evolution.space, base.space)
        XCTAssertEqual(evolution.seed, 5)
        let random = try ReplaySetup.configuration(
            strategy: "random", space: "nb201", budget: 100, epochs: 12, dataPath: "/d", base: nil, seed: 5)
        XCTAssertEqual(random.strategy, .random)
        XCTAssertEqual(random.space.kind, .nb201(NASBench201SpaceOptions()))
        XCTAssertEqual(random.training.epochs, 12)
        XCTAssertThrowsError(
            try ReplaySetup.configuration(
                strategy: "annealing", space: "nb201", budget: 1, epochs: 1, dataPath: "/d", base: nil, seed: 0))
    }
}
