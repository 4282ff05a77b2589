import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// Predictor-driven evolution started from a transferred model (`strategy.predictor_model`): the
/// first round is ranked by it without a fit, later rounds wait for the run's own fits, and a failed fit
/// falls back to it.
final class TransferredModelEvolutionTests: XCTestCase {
    private let seed: UInt64 = 5

    private func fitness(_ network: Network) -> Double {
        network.nb201Cell.map(RNASRankerTests.syntheticAccuracy) ?? 0
    }

    private func ranker() -> RNASArchitecturePredictor {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 40
        return RNASArchitecturePredictor(settings: settings, seed: 17)
    }

    /// A model "from an earlier run": the ranker fit on 40 random cells with their synthetic accuracies.
    private func earlierRunsModel() throws -> any PredictorModel {
        let space = try NASBench201Space()
        var generator = SeededGenerator(seed: 99)
        let examples = try (0..<40).map { index in
            let network = try space.sampleNetwork(using: &generator)
            return PredictorExample(
                candidate: Candidate(proposalID: index + 1, network: network, hyperparameters: [:], budget: 12),
                curve: [fitness(network)])
        }
        return try ranker().fit(examples, version: 1)
    }

    private func make(
        warmup: Int, transferred: (any PredictorModel)?, pool: PredictorDrivenEvolution.CandidatePool = .evolution
    ) throws -> PredictorDrivenEvolution {
        PredictorDrivenEvolution(
            space: try NASBench201Space(),
            settings: PredictorDrivenEvolution.Settings(
                population: 10, sampleSize: 3, cycles: 10, warmup: warmup, generations: 2, trainTopK: 5, pool: pool),
            predictor: ranker(), hyperparameters: [:], budget: 12, seed: seed, transferred: transferred)
    }

    private struct NotACandidate: Error {
        var proposal: Proposal
    }

    /// Proposes `count` candidates without observing any; a round's start that needs no fit is
    /// prepared in place (the daemon prepares it off its commit thread).
    private func proposeRound(_ strategy: inout PredictorDrivenEvolution, count: Int) throws -> [Candidate] {
        var candidates: [Candidate] = []
        while candidates.count < count {
            let proposal = try strategy.propose()
            if case .waitForModel(let version) = proposal, let request = strategy.modelRequest,
                request.version == version, request.examples == nil
            {
                strategy.install(request.fulfilled())
                continue
            }
            guard case .train(let candidate) = proposal else { throw NotACandidate(proposal: proposal) }
            candidates.append(candidate)
        }
        return candidates
    }

    private func observe(_ candidates: [Candidate], in strategy: inout PredictorDrivenEvolution) {
        for candidate in candidates {
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [fitness(candidate.network)])))
        }
    }

    func testFirstRound_isRankedByTheTransferredModel_withoutTrainingOrFitting() throws {
        let model = try earlierRunsModel()
        let score = try ranker().makeScore(model)
        var strategy = try make(warmup: 0, transferred: model)
        XCTAssertEqual(
            try strategy.propose(), .waitForModel(version: 1), "the round's ranking is not made in propose()")
        let request = try XCTUnwrap(strategy.modelRequest)
        XCTAssertNil(request.examples, "no fit is asked for while nothing is trained")
        XCTAssertEqual(strategy.phase, "waiting for the start of round 1")
        strategy.install(request.prepare(nil))
        var first: [Candidate] = []
        for _ in 0..<5 {
            let proposal = try strategy.propose()
            guard case .train(let candidate) = proposal else {
                return XCTFail("with a transferred model the first round needs no result and no fit: \(proposal)")
            }
            first.append(candidate)
        }
        XCTAssertEqual(strategy.modelVersion, 1, "the first proposal is already the first predictor round's")
        XCTAssertNil(strategy.modelRequest, "nothing is asked for within the round")
        XCTAssertEqual(
            strategy.phase, "predictor round 1 (5/10 after warm-up, rnas model on 0 networks, from a transferred model)"
        )
        let scores = try first.map { try score($0.network) }
        XCTAssertEqual(scores, scores.sorted(by: >), "proposed best predicted first")
        XCTAssertEqual(try strategy.propose(), .waitForResults, "the round is 5 networks (train_top_k)")

        // Without the model, the same seed's first 5 are plain evolution's random networks: the
        // transferred model's picks are better by the synthetic accuracy it was trained on.
        var plain = try make(warmup: 15, transferred: nil)
        let random = try proposeRound(&plain, count: 5)
        XCTAssertNotEqual(first.map(\.network), random.map(\.network))
        let mean = { (candidates: [Candidate]) in candidates.map { self.fitness($0.network) }.reduce(0, +) / 5 }
        XCTAssertGreaterThan(
            mean(first), mean(random) + 0.02, "transferred picks \(mean(first)), random \(mean(random))")

        // The same seed and model propose the same networks.
        var again = try make(warmup: 0, transferred: model)
        XCTAssertEqual(try proposeRound(&again, count: 5).map(\.network), first.map(\.network))
    }

    func testMutationPool_withNothingTrained_ranksRandomNetworks_byTheTransferredModel() throws {
        let model = try earlierRunsModel()
        let score = try ranker().makeScore(model)
        var strategy = try make(warmup: 0, transferred: model, pool: .mutations)
        let first = try proposeRound(&strategy, count: 5)
        let scores = try first.map { try score($0.network) }
        XCTAssertEqual(scores, scores.sorted(by: >), "proposed best predicted first")
        var plain = try make(warmup: 15, transferred: nil)
        let random = try proposeRound(&plain, count: 5)
        let mean = { (candidates: [Candidate]) in candidates.map { self.fitness($0.network) }.reduce(0, +) / 5 }
        XCTAssertGreaterThan(
            mean(first), mean(random) + 0.02, "transferred picks \(mean(first)), random \(mean(random))")
    }

    func testLaterRounds_waitForTheRunsOwnFit_andAFailedFitFallsBackToTheTransferredModel() throws {
        let model = try earlierRunsModel()
        let score = try ranker().makeScore(model)
        var strategy = try make(warmup: 0, transferred: model)
        let first = try proposeRound(&strategy, count: 5)
        observe(first, in: &strategy)
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 2), "round 2 is fit on the run's networks")
        let request = try XCTUnwrap(strategy.modelRequest)
        XCTAssertEqual(request.examples?.count, 5)
        XCTAssertEqual(request.version, 2)
        strategy.install(request.prepare(nil))
        let second = try proposeRound(&strategy, count: 5)
        let scores = try second.map { try score($0.network) }
        XCTAssertEqual(scores, scores.sorted(by: >), "the failed fit's round is ranked by the transferred model")
        XCTAssertTrue(
            Set(second.map(\.network.canonicalNotation)).isDisjoint(with: first.map(\.network.canonicalNotation)))
        XCTAssertEqual(strategy.modelVersion, 2)
    }

    func testWarmup_withATransferredModel_isPlainEvolution_thenTheRunsFit() throws {
        let model = try earlierRunsModel()
        var withModel = try make(warmup: 15, transferred: model)
        var without = try make(warmup: 15, transferred: nil)
        let warm = try proposeRound(&withModel, count: 15)
        XCTAssertEqual(warm.map(\.network), try proposeRound(&without, count: 15).map(\.network))
        observe(warm, in: &withModel)
        XCTAssertEqual(try withModel.propose(), .waitForModel(version: 1))
    }

    func testRestoredSnapshot_withTheSameTransferredModel_proposesWhatTheUninterruptedRunProposes() throws {
        let model = try earlierRunsModel()
        var original = try make(warmup: 0, transferred: model)
        let first = try proposeRound(&original, count: 3)  // inside the first round
        let snapshot = try original.snapshot()
        var restored = try make(warmup: 0, transferred: model)
        try restored.restore(from: snapshot)
        let rest = try proposeRound(&original, count: 2)
        XCTAssertEqual(try proposeRound(&restored, count: 2).map(\.network), rest.map(\.network))
        observe(first + rest, in: &original)
        observe(first + rest, in: &restored)
        XCTAssertEqual(try restored.propose(), .waitForModel(version: 2))
        XCTAssertEqual(restored.modelRequest?.examples, original.modelRequest?.examples)
    }
}
