import Foundation
import NASCore
import XCTest

@testable import NASSearch

final class PredictorDrivenEvolutionTests: XCTestCase {
    /// Few epochs for the tests of the mechanics; 40 for the one that needs a useful ranker.
    private func settings(cycles: Int, pool: PredictorDrivenEvolution.CandidatePool = .evolution)
        -> PredictorDrivenEvolution.Settings
    {
        PredictorDrivenEvolution.Settings(
            population: 10, sampleSize: 3, cycles: cycles, warmup: 15, generations: 2, trainTopK: 5, pool: pool)
    }

    private func ranker(epochs: Int, seed: UInt64) -> RNASArchitecturePredictor {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = epochs
        return RNASArchitecturePredictor(settings: settings, seed: seed)
    }

    private func fitness(_ network: Network) -> Double {
        network.nb201Cell.map(RNASRankerTests.syntheticAccuracy) ?? 0
    }

    /// Proposes and observes at once (as replay does) until `count` candidates or the end; a
    /// model the strategy waits for is fitted, and the round prepared with it, in place (the daemon
    /// does both off its commit thread).
    private func drive(_ strategy: inout some SearchStrategy, count: Int, fits: inout [Int]) throws -> [Candidate] {
        var candidates: [Candidate] = []
        while candidates.count < count {
            let proposal = try strategy.propose()
            if case .waitForModel(let version) = proposal {
                let request = try XCTUnwrap(strategy.modelRequest, "a wait for a model names its fit")
                XCTAssertEqual(request.version, version)
                let model = try request.examples.map { try request.predictor.fit($0, version: version) }
                strategy.install(request.prepare(model))
                fits.append(version)
                continue
            }
            guard case .train(let candidate) = proposal else { break }
            candidates.append(candidate)
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [fitness(candidate.network)])))
        }
        return candidates
    }

    private func drive(_ strategy: inout some SearchStrategy, count: Int) throws -> [Candidate] {
        var fits: [Int] = []
        return try drive(&strategy, count: count, fits: &fits)
    }

    private func make(
        seed: UInt64 = 3, cycles: Int = 10, epochs: Int = 2, pool: PredictorDrivenEvolution.CandidatePool = .evolution
    ) throws -> PredictorDrivenEvolution {
        PredictorDrivenEvolution(
            space: try NASBench201Space(), settings: settings(cycles: cycles, pool: pool),
            predictor: ranker(epochs: epochs, seed: seed), hyperparameters: [:], budget: 12, seed: seed)
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
        var fits: [Int] = []
        let candidates = try drive(&strategy, count: 1000, fits: &fits)
        XCTAssertEqual(candidates.count, 25, "15 warm-up + 10 cycles")
        XCTAssertEqual(fits, [1, 2], "one model per round of 5, by round")
        XCTAssertEqual(Set(candidates.map(\.network.canonicalNotation)).count, 25, "no network proposed twice")
        XCTAssertEqual(try strategy.propose(), .exhausted)
        let warmup = candidates.prefix(15).map { fitness($0.network) }
        let rounds = candidates.dropFirst(15).map { fitness($0.network) }
        XCTAssertGreaterThan(
            rounds.reduce(0, +) / Double(rounds.count), warmup.reduce(0, +) / Double(warmup.count) + 0.02,
            "the ranker's picks are better on average than the warm-up's")
        XCTAssertEqual(strategy.modelVersion, 2)
    }

    func testMutationPool_proposesNeighboursOfTheBestTrained_betterPredicted_neverTwice() throws {
        var strategy = try make(cycles: 10, epochs: 40, pool: .mutations)
        let candidates = try drive(&strategy, count: 1000)
        XCTAssertEqual(candidates.count, 25)
        XCTAssertEqual(Set(candidates.map(\.network.canonicalNotation)).count, 25, "no network proposed twice")
        let warmup = candidates.prefix(15).map { fitness($0.network) }
        let rounds = candidates.dropFirst(15).map { fitness($0.network) }
        XCTAssertGreaterThan(
            rounds.reduce(0, +) / Double(rounds.count), warmup.reduce(0, +) / Double(warmup.count) + 0.02)
        // Each of the first round's picks is a mutation (one edge, or a few when a child was
        // proposed already) of one of the 10 best warm-up networks.
        let best = candidates.prefix(15).sorted { fitness($0.network) > fitness($1.network) }.prefix(10)
            .compactMap(\.network.nb201Cell)
        for candidate in candidates[15..<20] {
            let cell = try XCTUnwrap(candidate.network.nb201Cell)
            let distance =
                best.map { parent in zip(parent.operations, cell.operations).filter { $0 != $1 }.count }
                .min() ?? 6
            XCTAssertLessThanOrEqual(distance, 3, "\(cell) is near the best trained cells")
        }
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
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1), "then for the round's model")
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1), "asking does not change the state")
        let request = try XCTUnwrap(strategy.modelRequest)
        XCTAssertEqual(request.examples?.count, 15)
        XCTAssertEqual(request.examples?.map(\.curve.values), Array(repeating: [0.5], count: 15))
        let prepared = request.prepare(nil)
        strategy.install(StrategyPreparation(version: 2, content: prepared.content))
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1), "a preparation of another version is ignored")
        var other = try make(seed: 4)
        _ = try drive(&other, count: 15)
        XCTAssertEqual(try other.propose(), .waitForModel(version: 1))
        other.install(prepared)
        XCTAssertEqual(try other.propose(), .waitForModel(version: 1), "a preparation from another state is ignored")
        strategy.install(prepared)
        guard case .train = try strategy.propose() else {
            return XCTFail("a failed fit lets the round start (exploring at random)")
        }
    }

    /// The RNAS ranker, counting the architectures it scores (on any thread).
    private struct CountingPredictor: ArchitecturePredictor {
        final class Count: @unchecked Sendable {
            private let lock = NSLock()
            private var count = 0
            var value: Int { lock.withLock { count } }
            func increment() { lock.withLock { count += 1 } }
        }

        let ranker: RNASArchitecturePredictor
        let scored = Count()
        var name: String { ranker.name }

        func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
            try ranker.fit(examples, version: version)
        }

        func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
            try ranker.decodeModel(bytes)
        }

        func makeScore(_ model: any PredictorModel) throws(PredictorFitError) -> (Network) throws -> Double {
            let score = try ranker.makeScore(model)
            return { [scored] network in
                scored.increment()
                return try score(network)
            }
        }
    }

    func testRoundsRanking_runsInThePreparation_neverInPropose() throws {
        let predictor = CountingPredictor(ranker: ranker(epochs: 2, seed: 3))
        var strategy = PredictorDrivenEvolution(
            space: try NASBench201Space(), settings: settings(cycles: 10), predictor: predictor, hyperparameters: [:],
            budget: 12, seed: 3)
        var fits: [Int] = []
        var proposed = 0
        while proposed < 25 {
            let before = predictor.scored.value
            let proposal = try strategy.propose()
            XCTAssertEqual(predictor.scored.value, before, "propose() scores nothing (\(proposal))")
            if case .waitForModel = proposal {
                let request = try XCTUnwrap(strategy.modelRequest)
                let model = try request.predictor.fit(try XCTUnwrap(request.examples), version: request.version)
                let preparing = predictor.scored.value
                let preparation = request.prepare(model)
                XCTAssertGreaterThanOrEqual(
                    predictor.scored.value - preparing, 20,
                    "the preparation scores the round's pool (G × P = 20 cycles)")
                strategy.install(preparation)
                fits.append(request.version)
                continue
            }
            guard case .train(let candidate) = proposal else { return XCTFail("unexpected \(proposal)") }
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [fitness(candidate.network)])))
            XCTAssertEqual(predictor.scored.value, before, "observe() scores nothing")
            proposed += 1
        }
        XCTAssertEqual(fits, [1, 2], "two rounds of 5 after the warm-up of 15")
        XCTAssertEqual(try strategy.propose(), .exhausted)
    }

    func testSnapshot_holdsNoModel_andARestoredStrategyAsksForTheSameFit() throws {
        var original = try make(seed: 9)
        _ = try drive(&original, count: 15)
        XCTAssertEqual(try original.propose(), .waitForModel(version: 1))
        let snapshot = try original.snapshot()
        var restored = try make(seed: 9)
        try restored.restore(from: snapshot)
        XCTAssertEqual(try restored.propose(), .waitForModel(version: 1))
        let (a, b) = (try XCTUnwrap(original.modelRequest), try XCTUnwrap(restored.modelRequest))
        let (examplesA, examplesB) = (try XCTUnwrap(a.examples), try XCTUnwrap(b.examples))
        XCTAssertEqual(examplesA, examplesB)
        let model = try a.predictor.fit(examplesA, version: 1)
        XCTAssertEqual(
            try model.encoded(), try b.predictor.fit(examplesB, version: 1).encoded(), "the fit is a pure function")
        XCTAssertLessThan(snapshot.count, try model.encoded().count / 4, "the snapshot is no model")
    }

    func testRestoredSnapshot_proposesExactlyWhatTheUninterruptedRunProposes() throws {
        var original = try make(seed: 9)
        _ = try drive(&original, count: 17)  // into the first predictor round
        let snapshot = try original.snapshot()
        var restored = try make(seed: 9)
        try restored.restore(from: snapshot)
        XCTAssertEqual(try drive(&restored, count: 8).map(\.network), try drive(&original, count: 8).map(\.network))
    }
}
