import Foundation
import NASCore
import XCTest

@testable import NASSearch

final class PredictorDrivenEvolutionTests: XCTestCase {
    /// Few epochs for the tests of the mechanics; 40 for the one that needs a useful ranker.
    private func settings(cycles: Int, epochs: Int) -> PredictorDrivenEvolution.Settings {
        var ranker = RNASRankerTests.smallSettings
        ranker.epochs = epochs
        return PredictorDrivenEvolution.Settings(
            population: 10, sampleSize: 3, cycles: cycles, warmup: 15, generations: 2, trainTopK: 5, ranker: ranker)
    }

    private func fitness(_ network: Network) -> Double {
        network.nb201Cell.map(RNASRankerTests.syntheticAccuracy) ?? 0
    }

    /// Proposes and observes at once (as replay does) until `count` candidates or the end.
    private func drive(_ strategy: inout some SearchStrategy, count: Int) throws -> [Candidate] {
        var candidates: [Candidate] = []
        while candidates.count < count {
            guard case .train(let candidate) = try strategy.propose() else { break }
            candidates.append(candidate)
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [fitness(candidate.network)])))
        }
        return candidates
    }

    private func make(seed: UInt64 = 3, cycles: Int = 10, epochs: Int = 2) throws -> PredictorDrivenEvolution {
        PredictorDrivenEvolution(
            space: try NASBench201Space(), settings: settings(cycles: cycles, epochs: epochs), hyperparameters: [:],
            budget: 12,
            seed: seed)
    }

    func testWarmup_proposesWhatPlainRegularizedEvolutionProposes() throws {
        var driven = try make()
        var plain = RegularizedEvolution(
            space: try NASBench201Space(),
            settings: RegularizedEvolution.Settings(population: 10, sampleSize: 3, cycles: 1000),
            hyperparameters: [:], budget: 12, seed: 3)
        XCTAssertEqual(
            try drive(&driven, count: 15).map(\.network), try drive(&plain, count: 15).map(\.network))
    }

    func testRounds_trainBetterPredictedNetworks_neverTwice_andEndAfterTheCycles() throws {
        var strategy = try make(cycles: 10, epochs: 40)
        let candidates = try drive(&strategy, count: 1000)
        XCTAssertEqual(candidates.count, 25, "15 warm-up + 10 cycles")
        XCTAssertEqual(Set(candidates.map(\.network.canonicalNotation)).count, 25, "no network proposed twice")
        XCTAssertEqual(try strategy.propose(), .exhausted)
        let warmup = candidates.prefix(15).map { fitness($0.network) }
        let rounds = candidates.dropFirst(15).map { fitness($0.network) }
        XCTAssertGreaterThan(
            rounds.reduce(0, +) / Double(rounds.count), warmup.reduce(0, +) / Double(warmup.count) + 0.02,
            "the ranker's picks are better on average than the warm-up's")
        XCTAssertNotNil(strategy.model)
    }

    func testRound_waitsForOutstandingResults_beforeFitting() throws {
        var strategy = try make()
        var pending: [Candidate] = []
        for _ in 0..<15 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected a candidate") }
            pending.append(candidate)
        }
        XCTAssertEqual(try strategy.propose(), .waitForResults)
        for candidate in pending {
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate, outcome: .completed(curve: [0.5])))
        }
        guard case .train = try strategy.propose() else { return XCTFail("a round starts once all results are in") }
    }

    func testRestoredSnapshot_proposesExactlyWhatTheUninterruptedRunProposes() throws {
        var original = try make(seed: 9)
        _ = try drive(&original, count: 17)  // into the first predictor round, model in the snapshot
        let snapshot = try original.snapshot()
        var restored = try make(seed: 9)
        try restored.restore(from: snapshot)
        XCTAssertEqual(restored.model, original.model)
        XCTAssertEqual(try drive(&restored, count: 8).map(\.network), try drive(&original, count: 8).map(\.network))
    }
}
