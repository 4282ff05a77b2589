import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// `predictor_pool: neighbours`: a round proposes the unseen one-edge neighbours of the best trained
/// cell, best predicted first, then those of the next best trained cell.
final class NeighbourPoolTests: XCTestCase {
    /// Three operations: 729 cells, each with 12 neighbours.
    private let operations: [NASBench201Operation] = [.skipConnect, .convolution1x1, .convolution3x3]

    private func fitness(_ network: Network) -> Double {
        network.nb201Cell.map(RNASRankerTests.syntheticAccuracy) ?? 0
    }

    private func neighbours(of network: Network) throws -> Set<String> {
        let cell = try XCTUnwrap(network.nb201Cell)
        var result = Set<String>()
        for edge in cell.operations.indices {
            for operation in operations where operation != cell.operations[edge] {
                var changed = cell.operations
                changed[edge] = operation
                result.insert(Network.nb201(try NASBench201Cell(operations: changed)).canonicalNotation)
            }
        }
        return result
    }

    func testRound_takesTheBestTrainedCellsUnseenNeighbours_bestPredictedFirst_thenTheNextBestCells() throws {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 10
        let predictor = RNASArchitecturePredictor(settings: settings, seed: 4)
        // K = 16 > 12: the round needs more than the best cell's neighbourhood.
        var strategy = PredictorDrivenEvolution(
            space: try NASBench201Space(operations: operations),
            settings: PredictorDrivenEvolution.Settings(
                population: 10, sampleSize: 3, cycles: 16, warmup: 10, generations: 10, trainTopK: 16,
                pool: .neighbours),
            predictor: predictor, hyperparameters: [:], budget: 12, seed: 8)
        var trained: [Network] = []
        for _ in 0..<10 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected the warm-up") }
            trained.append(candidate.network)
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [fitness(candidate.network)])))
        }
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1))
        let request = try XCTUnwrap(strategy.modelRequest)
        let model = try predictor.fit(try XCTUnwrap(request.examples), version: 1)
        let score = try predictor.makeScore(model)
        strategy.install(request.prepare(model))
        var round: [Network] = []
        for _ in 0..<16 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected the round") }
            round.append(candidate.network)
        }

        // The parents in the strategy's order: fitness, then the earlier trained.
        let parents = trained.enumerated()
            .sorted { (fitness($1.element), $0.offset) < (fitness($0.element), $1.offset) }
            .map(\.element)
        let trainedSet = Set(trained.map(\.canonicalNotation))
        var taken = trainedSet
        var offset = 0
        for parent in parents where offset < round.count {
            let group = try neighbours(of: parent).subtracting(taken)
            let picks = Array(round[offset..<min(round.count, offset + group.count)])
            if offset + group.count <= round.count {
                XCTAssertEqual(
                    Set(picks.map(\.canonicalNotation)), group, "all the unseen neighbours of \(parent.notation)")
            }
            XCTAssertTrue(
                picks.allSatisfy { group.contains($0.canonicalNotation) },
                "picks \(offset)… neighbour \(parent.notation)")
            let scores = try picks.map { try score($0) }
            XCTAssertEqual(scores, scores.sorted(by: >), "best predicted first within a neighbourhood")
            taken.formUnion(group)
            offset += picks.count
        }
        XCTAssertEqual(offset, 16)
        XCTAssertTrue(round.allSatisfy { !trainedSet.contains($0.canonicalNotation) })
        XCTAssertEqual(Set(round.map(\.canonicalNotation)).count, 16)
        XCTAssertGreaterThan(try neighbours(of: parents[0]).subtracting(trainedSet).count, 0)
    }
}
