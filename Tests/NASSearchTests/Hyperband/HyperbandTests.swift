import Foundation
import NASCore
import NASSearch
import XCTest

final class HyperbandBracketTests: XCTestCase {
    /// ALGORITHMS.md §2 (Li et al. 2018, Table 1): R = 81, η = 3.
    func testBrackets_R81_eta3_areLiEtAlsTable() {
        let table = HyperbandBracket.brackets(maxResource: 81, eta: 3).map { bracket in
            (bracket.s, bracket.rounds.map { [$0.configurations, $0.epochs] })
        }
        let expected: [(Int, [[Int]])] = [
            (4, [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]]),
            (3, [[34, 3], [11, 9], [3, 27], [1, 81]]),
            (2, [[15, 9], [5, 27], [1, 81]]),
            (1, [[8, 27], [2, 81]]),
            (0, [[5, 81]]),
        ]
        XCTAssertEqual(table.map(\.0), expected.map(\.0))
        XCTAssertEqual(table.map(\.1), expected.map(\.1))
    }

    func testMaxBracketIndex_isFloorOfLogEtaR() {
        XCTAssertEqual(HyperbandBracket.maxBracketIndex(maxResource: 81, eta: 3), 4)
        XCTAssertEqual(HyperbandBracket.maxBracketIndex(maxResource: 80, eta: 3), 3)
        XCTAssertEqual(HyperbandBracket.maxBracketIndex(maxResource: 1, eta: 3), 0)
        XCTAssertEqual(HyperbandBracket.maxBracketIndex(maxResource: 16, eta: 2), 4)
    }

    /// R not a power of η: epochs round down, the last round is R.
    func testBrackets_R100_eta3_roundEpochsDownAndEndAtR() {
        let first = HyperbandBracket.brackets(maxResource: 100, eta: 3)[0]
        XCTAssertEqual(first.rounds.map(\.epochs), [1, 3, 11, 33, 100])
        XCTAssertEqual(first.rounds.map(\.configurations), [81, 27, 9, 3, 1])
    }
}

final class HyperbandStrategyTests: XCTestCase {
    private func space() throws -> MetaQNNSpace {
        var configuration = MetaQNNSpace.Configuration()
        configuration.maxDepth = 6
        return try MetaQNNSpace(configuration: configuration)
    }

    private func hyperband(maxResource: Int = 9, eta: Int = 3, iterations: Int = 1, seed: UInt64 = 4) throws
        -> Hyperband
    {
        Hyperband(
            sampler: try space(), maxResource: maxResource, eta: eta, iterations: iterations,
            hyperparameters: ["learning_rate": 0.1], seed: seed)
    }

    private func observe(_ strategy: inout Hyperband, _ id: Int, _ outcome: TrialOutcome) {
        strategy.observe(Observation(proposalID: id, candidate: placeholder, outcome: outcome))
    }

    private let placeholder = Candidate(
        proposalID: 0, network: .sequential(Architecture(layers: [.softmax(classes: 10)])), hyperparameters: [:],
        budget: 1)

    /// R = 9, η = 3: bracket s = 2 is 9@1, 3@3, 1@9. With 9 members and k = 3, a result is
    /// promoted once 6 others are known to rank below it.
    func testPromotion_comesAsSoonAsTheRungProvesTheTopThird_bestFirst() throws {
        var strategy = try hyperband()
        for id in 1...9 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected rung 0") }
            XCTAssertEqual(candidate.proposalID, id)
            XCTAssertEqual(candidate.budget, 1)
        }
        for (id, value) in zip(1...6, [0.5, 0.9, 0.1, 0.7, 0.3, 0.6]) {
            observe(&strategy, id, .completed(curve: [value]))
        }
        // Nothing provable yet: the next bracket (s = 1: 5@3) starts instead.
        guard case .train(let next) = try strategy.propose() else { return XCTFail("expected bracket s=1") }
        XCTAssertEqual(next.budget, 3)
        observe(&strategy, 7, .completed(curve: [0.2]))
        XCTAssertEqual(try strategy.propose(), .continueTraining(proposalID: 2, budget: 3))
        guard case .train = try strategy.propose() else { return XCTFail("0.7 is not yet provably top 3") }
        observe(&strategy, 8, .completed(curve: [0.8]))
        XCTAssertEqual(try strategy.propose(), .continueTraining(proposalID: 8, budget: 3))
        observe(&strategy, 9, .failed(reason: "crashed"))
        XCTAssertEqual(try strategy.propose(), .continueTraining(proposalID: 4, budget: 3))
        XCTAssertTrue(strategy.phase.contains("s=1"), strategy.phase)
    }

    func testFailures_rankLast_andTheirTopPlacesAreLost() throws {
        var strategy = try hyperband(maxResource: 3, eta: 3)
        // R = 3, η = 3: s = 1: 3@1, 1@3; s = 0: 2@3.
        for _ in 1...3 { _ = try strategy.propose() }
        observe(&strategy, 1, .failed(reason: "a"))
        observe(&strategy, 2, .failed(reason: "b"))
        observe(&strategy, 3, .failed(reason: "c"))
        // No promotion from an all-failed rung: bracket s = 0 follows.
        guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected bracket s=0") }
        XCTAssertEqual(candidate.budget, 3)
        guard case .train = try strategy.propose() else { return XCTFail("expected bracket s=0") }
        XCTAssertEqual(try strategy.propose(), .waitForResults)
        observe(&strategy, 4, .completed(curve: [0.4, 0.5, 0.6]))
        observe(&strategy, 5, .stoppedEarly(curve: [0.3], predicted: 0.5, sigma: 0.1))
        XCTAssertEqual(try strategy.propose(), .exhausted)
    }

    /// A whole run against a fake trainer whose accuracy at b epochs is q(network)·(1 − e^(−b/3)):
    /// every bracket trains exactly its table, and each bracket's survivor is its best network.
    func testWholeRun_againstAFakeTrainer_followsTheBracketTable() throws {
        var strategy = try hyperband(maxResource: 9, eta: 3, iterations: 2)
        var driver = HyperbandDriver(seed: 8)
        try driver.run(&strategy)
        XCTAssertEqual(try strategy.propose(), .exhausted)
        // Per iteration: 9@1 + (3 promoted + 5 new)@3 + (1 + 1 promoted + 3 new)@9.
        XCTAssertEqual(driver.budgetCounts, [1: 18, 3: 16, 9: 10])
        XCTAssertEqual(driver.continuations, 2 * (3 + 1 + 1))
        for bracket in driver.brackets where bracket.count == 9 {
            let best = bracket.max { driver.quality(of: $0) < driver.quality(of: $1) }
            XCTAssertEqual(driver.finalBudget[best ?? -1], 9, "the best of 9 survives to R")
        }
    }

    func testSnapshotAfterKResults_restored_proposesExactlyWhatTheUninterruptedOneDoes() throws {
        for k in [0, 5, 12] {
            var original = try hyperband(maxResource: 9, eta: 3, iterations: 1, seed: 21)
            var driver = HyperbandDriver(seed: 3)
            try driver.run(&original, results: k)
            var restored = try hyperband(maxResource: 9, eta: 3, iterations: 1, seed: 999)
            try restored.restore(from: try original.snapshot())
            XCTAssertEqual(try restored.snapshot(), try original.snapshot())
            var left = driver
            var right = driver
            try left.run(&original)
            try right.run(&restored)
            XCTAssertEqual(left.proposals, right.proposals, "k = \(k)")
            XCTAssertFalse(left.proposals.isEmpty)
        }
    }

    func testRestore_refusesAnotherBracketTable() throws {
        var strategy = try hyperband(maxResource: 9)
        _ = try strategy.propose()
        var other = try hyperband(maxResource: 27)
        XCTAssertThrowsError(try other.restore(from: try strategy.snapshot()))
    }
}

/// Runs Hyperband against a fake trainer with 2 workers and results arriving in seeded order.
struct HyperbandDriver {
    enum Step: Hashable {
        case train(id: Int, budget: Int, network: String)
        case continueTraining(id: Int, budget: Int)
    }

    var generator: SeededGenerator
    private(set) var proposals: [Step] = []
    private(set) var budgetCounts: [Int: Int] = [:]
    private(set) var continuations = 0
    private(set) var finalBudget: [Int: Int] = [:]
    /// Proposal ids of each bracket's round 0, by the budget they started at.
    private(set) var brackets: [[Int]] = []
    private var networks: [Int: String] = [:]
    private var running: [(id: Int, budget: Int)] = []
    private var lastStartBudget: Int?

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    func quality(of id: Int) -> Double {
        let text = networks[id] ?? ""
        return Double(text.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 10007 }) / 10007
    }

    mutating func run(_ strategy: inout Hyperband, results: Int = .max) throws {
        var delivered = 0
        while delivered < results {
            if running.count < 2 {
                switch try strategy.propose() {
                case .train(let candidate):
                    networks[candidate.proposalID] = candidate.network.notation
                    start(candidate.proposalID, candidate.budget)
                    proposals.append(
                        .train(id: candidate.proposalID, budget: candidate.budget, network: candidate.network.notation))
                    if lastStartBudget != candidate.budget || brackets.isEmpty { brackets.append([]) }
                    brackets[brackets.count - 1].append(candidate.proposalID)
                    lastStartBudget = candidate.budget
                    continue
                case .continueTraining(let id, let budget):
                    continuations += 1
                    start(id, budget)
                    proposals.append(.continueTraining(id: id, budget: budget))
                    continue
                case .waitForResults, .waitForModel:
                    break
                case .exhausted:
                    if running.isEmpty { return }
                }
            }
            guard !running.isEmpty else { return }
            let job = running.remove(at: Int.random(in: 0..<running.count, using: &generator))
            let value = quality(of: job.id) * (1 - exp(-Double(job.budget) / 3))
            delivered += 1
            strategy.observe(
                Observation(
                    proposalID: job.id,
                    candidate: Candidate(
                        proposalID: job.id, network: .sequential(Architecture(layers: [.softmax(classes: 10)])),
                        hyperparameters: [:], budget: job.budget),
                    outcome: .completed(curve: [value])))
        }
    }

    private mutating func start(_ id: Int, _ budget: Int) {
        running.append((id, budget))
        budgetCounts[budget, default: 0] += 1
        finalBudget[id] = budget
    }
}
