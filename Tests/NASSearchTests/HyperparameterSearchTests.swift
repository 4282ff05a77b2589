import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// Issue 7 §4: hyperparameter ranges searched with the architecture by every strategy, part of the
/// proposal, deterministic, and restored exactly from a snapshot; and §5's proposal phases.
final class HyperparameterSearchTests: XCTestCase {
    private let ranges: HyperparameterSpace = [
        "learning_rate": .logUniform(low: 1e-4, high: 1e-1),
        "momentum": .uniform(low: 0.5, high: 0.99),
        "batch_size": .choice([64, 128, 256]),
        "weight_decay": 0.0005,
    ]

    private func makeStrategies(seed: UInt64) throws -> [(String, any SearchStrategy)] {
        let space = try NASBench201Space()
        return [
            ("random", RandomSearch(sampler: space, hyperparameters: ranges, budget: 12, seed: seed)),
            (
                "evolution",
                RegularizedEvolution(
                    space: space, settings: .init(population: 6, sampleSize: 3, cycles: 200), hyperparameters: ranges,
                    budget: 12, seed: seed)
            ),
            (
                "metaqnn",
                MetaQNN(
                    space: space,
                    parameters: MetaQNNParameters(
                        schedule: [.init(epsilon: 1, models: 8), .init(epsilon: 0.5, models: 100)], replayBatch: 8),
                    hyperparameters: ranges, budget: 12, seed: seed)
            ),
            (
                "hyperband",
                Hyperband(sampler: space, maxResource: 9, eta: 3, iterations: 20, hyperparameters: ranges, seed: seed)
            ),
        ]
    }

    /// A fitness that depends on the network and on the learning rate (best near 10⁻²).
    private func fitness(_ candidate: Candidate) -> Double {
        let byNetwork =
            Double(candidate.network.canonicalHash.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }) / 65_536
        let rate = log10(candidate.hyperparameters["learning_rate"] ?? 1)
        return 0.5 * byNetwork + 0.5 * exp(-(rate + 2) * (rate + 2))
    }

    /// Drives a strategy one result at a time for `count` proposals; returns the proposals made.
    private func drive(_ strategy: inout any SearchStrategy, count: Int, known: inout [Int: Candidate]) throws
        -> [Proposal]
    {
        var made: [Proposal] = []
        for _ in 0..<count {
            let proposal = try strategy.propose()
            made.append(proposal)
            let candidate: Candidate
            switch proposal {
            case .train(let proposed):
                candidate = proposed
            case .continueTraining(let id, let budget):
                var earlier = try XCTUnwrap(known[id], "continue of proposal \(id), never made")
                earlier.budget = budget
                candidate = earlier
            case .waitForResults, .waitForModel, .exhausted:
                return made
            }
            known[candidate.proposalID] = candidate
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: Array(repeating: fitness(candidate), count: candidate.budget))))
        }
        return made
    }

    func testEveryStrategy_drawsSearchedHyperparametersWithinTheirRanges_andKeepsFixedOnes() throws {
        for (word, var strategy) in try makeStrategies(seed: 5) {
            var known: [Int: Candidate] = [:]
            let proposals = try drive(&strategy, count: 60, known: &known)
            let candidates = proposals.compactMap { proposal -> Candidate? in
                if case .train(let candidate) = proposal { return candidate }
                return nil
            }
            XCTAssertGreaterThan(candidates.count, 10, word)
            for candidate in candidates {
                let values = candidate.hyperparameters
                XCTAssertEqual(Set(values.keys), ["learning_rate", "momentum", "batch_size", "weight_decay"], word)
                XCTAssertTrue((1e-4..<1e-1).contains(values["learning_rate"] ?? -1), "\(word): \(values)")
                XCTAssertTrue((0.5..<0.99).contains(values["momentum"] ?? -1), "\(word): \(values)")
                XCTAssertTrue([64, 128, 256].contains(values["batch_size"] ?? -1), "\(word): \(values)")
                XCTAssertEqual(values["weight_decay"], 0.0005, word)
            }
            XCTAssertGreaterThan(Set(candidates.map { $0.hyperparameters["learning_rate"] ?? 0 }).count, 5, word)
        }
    }

    func testSnapshotAfterKResults_withRanges_restoresToTheSameFutureProposals() throws {
        let originals = try makeStrategies(seed: 21)
        let fresh = try makeStrategies(seed: 999)
        for ((word, var original), (_, var restored)) in zip(originals, fresh) {
            var knownOriginal: [Int: Candidate] = [:]
            for k in [4, 17] {
                _ = try drive(&original, count: k, known: &knownOriginal)
                try restored.restore(from: try original.snapshot())
                var knownRestored = knownOriginal
                let next = try drive(&original, count: 30, known: &knownOriginal)
                XCTAssertEqual(next, try drive(&restored, count: 30, known: &knownRestored), "\(word), k = \(k)")
            }
        }
    }

    func testFixedHyperparameters_drawNothing_soRunsWithoutRangesAreUnchanged() throws {
        let space = try NASBench201Space()
        var fixed = RandomSearch(sampler: space, hyperparameters: ["learning_rate": 0.1], budget: 12, seed: 3)
        var none = RandomSearch(sampler: space, hyperparameters: [:], budget: 12, seed: 3)
        for _ in 0..<20 {
            guard case .train(let a) = try fixed.propose(), case .train(let b) = try none.propose() else {
                return XCTFail("random search always trains")
            }
            XCTAssertEqual(a.network, b.network)
            XCTAssertEqual(a.hyperparameters, ["learning_rate": 0.1])
        }
    }

    func testEvolutionOffspring_inheritOrMutateTheirParentsHyperparameters() throws {
        var strategy: any SearchStrategy = RegularizedEvolution(
            space: try NASBench201Space(), settings: .init(population: 5, sampleSize: 5, cycles: 100),
            hyperparameters: ["learning_rate": .choice([0.01, 0.1]), "momentum": 0.9], budget: 12, seed: 8)
        var known: [Int: Candidate] = [:]
        let proposals = try drive(&strategy, count: 60, known: &known)
        let offspring = proposals.compactMap { proposal -> Candidate? in
            guard case .train(let candidate) = proposal, (candidate.phase?.generation ?? 0) > 0 else { return nil }
            return candidate
        }
        XCTAssertGreaterThan(offspring.count, 40)
        XCTAssertEqual(Set(offspring.compactMap { $0.hyperparameters["learning_rate"] }), [0.01, 0.1])
        XCTAssertTrue(offspring.allSatisfy { $0.hyperparameters["momentum"] == 0.9 })
        // Generations: P = 5 offspring per generation, starting at 1 after the random population.
        XCTAssertEqual(offspring.first?.phase?.generation, 1)
        XCTAssertEqual(offspring.dropFirst(5).first?.phase?.generation, 2)
    }

    func testProposalPhases_nameEpsilonGenerationAndBracket_andReadBack() throws {
        var phases: [String: ProposalPhase?] = [:]
        for (word, var strategy) in try makeStrategies(seed: 2) {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail(word) }
            phases[word] = candidate.phase
        }
        XCTAssertEqual(phases["random"], .some(nil))
        XCTAssertEqual(phases["metaqnn"]??.text, "epsilon=1.0")
        XCTAssertEqual(phases["evolution"]??.text, "generation=0")
        XCTAssertEqual(phases["hyperband"]??.text, "bracket=2 rung=0")
        for text in ["epsilon=0.3", "generation=4", "bracket=4 rung=0"] {
            XCTAssertEqual(ProposalPhase(text: text)?.text, text)
        }
        XCTAssertNil(ProposalPhase(text: "colour=blue"))
        // A candidate without a phase is stored as before phases existed (no "phase" key), and reads back.
        let network = try Network(notation: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
        let plain = Candidate(proposalID: 1, network: network, hyperparameters: [:], budget: 3)
        let encoded = try JSONEncoder().encode(plain)
        XCTAssertFalse(String(decoding: encoded, as: UTF8.self).contains("phase"))
        XCTAssertEqual(try JSONDecoder().decode(Candidate.self, from: encoded), plain)
    }
}
