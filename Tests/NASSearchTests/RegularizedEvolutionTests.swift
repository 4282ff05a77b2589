import Foundation
import NASCore
import XCTest

@testable import NASSearch

final class RegularizedEvolutionTests: XCTestCase {
    /// A fitness with one optimum: the number of 3×3 convolutions, plus a small, cell-specific term
    /// so that fitnesses are distinct.
    private static func fitness(_ network: Network) -> Double {
        guard let cell = network.nb201Cell else { return 0 }
        let convolutions = cell.operations.filter { $0 == .convolution3x3 }.count
        let tieBreak =
            Double(
                SHA256.hexDigest(of: cell.notation).prefix(4).unicodeScalars.reduce(0) {
                    $0 + Int($1.value)
                } % 97) / 10_000
        return Double(convolutions) / 6 * 0.9 + tieBreak
    }

    private func makeEvolution(
        space: any MutableSpace, population: Int = 10, sampleSize: Int = 3, cycles: Int = 1000, seed: UInt64 = 1
    ) -> RegularizedEvolution {
        RegularizedEvolution(
            space: space,
            settings: RegularizedEvolution.Settings(population: population, sampleSize: sampleSize, cycles: cycles),
            hyperparameters: ["lr": 0.1], budget: 12, seed: seed)
    }

    private func candidate(_ proposal: Proposal) throws -> Candidate {
        guard case .train(let candidate) = proposal else {
            XCTFail("expected a candidate, got \(proposal)")
            throw StrategyError.spaceExhausted("test")
        }
        return candidate
    }

    /// Proposes and immediately observes `count` candidates with `fitness` (sequential, as replay does).
    private func step(_ strategy: inout RegularizedEvolution, count: Int) throws -> [Candidate] {
        try (0..<count).map { _ in
            let proposed = try candidate(try strategy.propose())
            strategy.observe(
                Observation(
                    proposalID: proposed.proposalID, candidate: proposed,
                    outcome: .completed(curve: [Self.fitness(proposed.network)])))
            return proposed
        }
    }

    func testFirstPProposals_areRandom_thenOffspringAreMutationsOfThePopulation() throws {
        let space = try NASBench201Space()
        var strategy = makeEvolution(space: space)
        let initial = try step(&strategy, count: 10)
        XCTAssertTrue(strategy.population.isFull)
        XCTAssertEqual(strategy.population.members.map(\.proposalID), Array(1...10))
        XCTAssertTrue(strategy.phase.hasPrefix("evolving"), strategy.phase)
        for _ in 0..<100 {
            let members = strategy.population.members.compactMap(\.network.nb201Cell)
            let proposed = try candidate(try strategy.propose())
            let child = try XCTUnwrap(proposed.network.nb201Cell)
            let distances = members.map { member in zip(member.operations, child.operations).filter { $0 != $1 }.count }
            // One mutation away from a member, or a few when duplicates were mutated again.
            XCTAssertLessThanOrEqual(distances.min() ?? 99, 3)
            strategy.observe(
                Observation(
                    proposalID: proposed.proposalID, candidate: proposed,
                    outcome: .completed(curve: [Self.fitness(proposed.network)])))
            XCTAssertEqual(strategy.population.members.count, 10, "the oldest dies")
            XCTAssertEqual(strategy.population.members.last?.proposalID, proposed.proposalID)
        }
        XCTAssertEqual(initial.map(\.budget), Array(repeating: 12, count: 10))
        XCTAssertEqual(initial.map(\.hyperparameters), Array(repeating: ["lr": 0.1], count: 10))
    }

    func testAging_removesTheOldest_andFailuresNeverJoin() throws {
        var strategy = makeEvolution(space: try NASBench201Space(), population: 4)
        var proposed: [Candidate] = []
        for _ in 0..<4 { proposed.append(try candidate(try strategy.propose())) }
        // Asynchronous: four proposals in flight before any result; results arrive out of order.
        for index in [2, 0, 3] {
            strategy.observe(
                Observation(
                    proposalID: proposed[index].proposalID, candidate: proposed[index],
                    outcome: .completed(curve: [0.1 * Double(index + 1)])))
        }
        strategy.observe(
            Observation(proposalID: proposed[1].proposalID, candidate: proposed[1], outcome: .failed(reason: "x")))
        XCTAssertEqual(strategy.population.members.map(\.proposalID), [3, 1, 4])
        XCTAssertFalse(strategy.population.isFull)
        // Not full: the next proposal is random, then the result fills the population.
        let fifth = try candidate(try strategy.propose())
        strategy.observe(Observation(proposalID: fifth.proposalID, candidate: fifth, outcome: .completed(curve: [0.9])))
        let sixth = try candidate(try strategy.propose())
        strategy.observe(Observation(proposalID: sixth.proposalID, candidate: sixth, outcome: .completed(curve: [0.2])))
        XCTAssertEqual(strategy.population.members.map(\.proposalID), [1, 4, 5, 6])
    }

    func testNoNetworkIsProposedTwice_evenInASmallSpace() throws {
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        var strategy = makeEvolution(space: space, population: 20, sampleSize: 5)
        let proposals = try step(&strategy, count: 600)
        let identities = proposals.map(\.network.canonicalNotation)
        XCTAssertEqual(Set(identities).count, identities.count, "a network was proposed twice")
        XCTAssertTrue(proposals.allSatisfy { $0.network.nb201Cell.map(space.contains) ?? false })
    }

    func testEndsAfterCyclesOffspring() throws {
        var strategy = makeEvolution(space: try NASBench201Space(), population: 5, cycles: 7)
        _ = try step(&strategy, count: 12)
        XCTAssertEqual(try strategy.propose(), .exhausted)
    }

    func testSnapshotAfterKResults_restoresToTheSameFutureProposals() throws {
        let space = try NASBench201Space()
        for k in [3, 10, 25] {
            var original = makeEvolution(space: space, seed: 77)
            _ = try step(&original, count: k)
            // One proposal still in flight at the snapshot.
            let inFlight = try candidate(try original.propose())
            var restored = makeEvolution(space: space, seed: 12_345)
            try restored.restore(from: try original.snapshot())
            XCTAssertEqual(try restored.snapshot(), try original.snapshot())
            let result = Observation(
                proposalID: inFlight.proposalID, candidate: inFlight, outcome: .completed(curve: [0.5]))
            original.observe(result)
            restored.observe(result)
            XCTAssertEqual(try step(&original, count: 40), try step(&restored, count: 40), "k = \(k)")
        }
    }

    func testSameSeedSameResults_differentSeedDifferentProposals() throws {
        let space = try NASBench201Space()
        var a = makeEvolution(space: space, seed: 3)
        var b = makeEvolution(space: space, seed: 3)
        var c = makeEvolution(space: space, seed: 4)
        let first = try step(&a, count: 50)
        XCTAssertEqual(first, try step(&b, count: 50))
        XCTAssertNotEqual(first.map(\.network), try step(&c, count: 50).map(\.network))
    }

    func testEvolution_findsTheOptimumOfASimpleFitness_farMoreOftenThanRandom() throws {
        let space = try NASBench201Space()
        var evolutionHits = 0
        var randomHits = 0
        for seed in 0..<10 {
            var evolution = makeEvolution(space: space, seed: UInt64(seed))
            let proposals = try step(&evolution, count: 150)
            if proposals.contains(where: {
                $0.network.nb201Cell?.operations == Array(repeating: .convolution3x3, count: 6)
            }) {
                evolutionHits += 1
            }
            var random = RandomSearch(sampler: space, hyperparameters: [:], budget: 12, seed: UInt64(seed))
            for _ in 0..<150 {
                if case .train(let proposed) = try random.propose(),
                    proposed.network.nb201Cell?.operations == Array(repeating: .convolution3x3, count: 6)
                {
                    randomHits += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(evolutionHits, 4, "evolution climbs a one-edge-at-a-time fitness")
        XCTAssertLessThanOrEqual(randomHits, 1)
    }

    func testPopulationEvolve_withAFitnessFunction_standsInForTraining() throws {
        let space = try NASBench201Space()
        var population = EvolutionPopulation(capacity: 10)
        var generator = SeededGenerator(seed: 9)
        let history = try population.evolve(cycles: 200, sampleSize: 3, space: space, using: &generator) {
            Self.fitness($0)
        }
        XCTAssertEqual(history.count, 210)
        XCTAssertEqual(population.members, Array(history.suffix(10)), "the population is the 10 youngest")
        let early = history.prefix(10).map(\.fitness).max() ?? 0
        let late = history.suffix(50).map(\.fitness).max() ?? 0
        XCTAssertGreaterThan(late, early)
        XCTAssertGreaterThanOrEqual(late, 0.9, "reaches the all-3×3 cell")
    }

    func testTournament_picksTheFittestOfTheSample() throws {
        var population = EvolutionPopulation(capacity: 3)
        let cells = try (0..<3).map { index in
            Network.nb201(
                try NASBench201Cell(
                    operations: Array(repeating: NASBench201Operation.allCases[index], count: 6)))
        }
        for (index, network) in cells.enumerated() {
            population.add(.init(network: network, fitness: Double(index), proposalID: index))
        }
        var generator = SeededGenerator(seed: 1)
        // S much larger than the population: the fittest is (almost surely) drawn.
        XCTAssertEqual(population.tournamentWinner(sampleSize: 64, using: &generator)?.proposalID, 2)
        var winners = Set<Int>()
        for _ in 0..<200 {
            winners.insert(population.tournamentWinner(sampleSize: 1, using: &generator)?.proposalID ?? -1)
        }
        XCTAssertEqual(winners, [0, 1, 2], "S = 1 is a uniform draw")
        XCTAssertNil(EvolutionPopulation(capacity: 2).tournamentWinner(sampleSize: 3, using: &generator))
    }
}
