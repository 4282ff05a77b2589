import Foundation
import NASCore
import NASSearch
import XCTest

final class QLearningUpdateTests: XCTestCase {
    /// A two-step trajectory from a fresh table, by hand: α = 0.1, γ = 1, Q₀ = 0.5, reward 1.
    /// Last transition: 0.5 + 0.1·(1 − 0.5) = 0.55. First: 0.5 + 0.1·(max Q(s₁) − 0.5) with
    /// max Q(s₁) = 0.55 (updated first: backwards), so 0.505.
    func testApply_updatesBackwards_rewardOnlyAtTermination() {
        var table = QTable<Int>(initialValue: 0.5)
        let s0 = table.intern(0, actionCount: 2)
        let s1 = table.intern(1, actionCount: 3)
        let update = QLearningUpdate(learningRate: 0.1, discount: 1)
        update.apply(Experience(states: [Int32(s0), Int32(s1)], actions: [1, 2], reward: 1), to: &table)
        XCTAssertEqual(table.utility(of: s1, action: 2), 0.55, accuracy: 1e-15)
        XCTAssertEqual(table.utility(of: s0, action: 1), 0.505, accuracy: 1e-15)
        XCTAssertEqual(Array(table.utilities(of: s0)), [0.5, 0.505])
        XCTAssertEqual(Array(table.utilities(of: s1)).prefix(2), [0.5, 0.5])
    }

    func testDiscount_scalesTheNextStatesMaximum() {
        var table = QTable<Int>(initialValue: 0)
        let s0 = table.intern(0, actionCount: 1)
        let s1 = table.intern(1, actionCount: 1)
        table.setUtility(0.8, of: s1, action: 0)
        let update = QLearningUpdate(learningRate: 1, discount: 0.5)
        update.apply(Experience(states: [Int32(s0), Int32(s1)], actions: [0, 0], reward: 0.2), to: &table)
        XCTAssertEqual(table.utility(of: s1, action: 0), 0.2, accuracy: 1e-15)
        XCTAssertEqual(table.utility(of: s0, action: 0), 0.1, accuracy: 1e-15)
    }

    /// A small MDP with a known optimal Q: on `EdgeChoiceSpace(edges: 2, operations: 3)` with
    /// γ = 1, Q*(after a, b) = r(a, b) and Q*(start, a) = max_b r(a, b). Replaying every trajectory
    /// converges to it.
    func testReplay_ofEveryTrajectory_convergesToTheOptimalQ() {
        let reward: (Int, Int) -> Double = { a, b in 0.3 + 0.1 * Double(a) + 0.05 * Double((a + 2 * b) % 3) }
        var table = QTable<[Int]>(initialValue: 0.5)
        var memory = ReplayMemory()
        let start = table.intern([], actionCount: 3)
        for a in 0..<3 {
            let middle = table.intern([a], actionCount: 3)
            for b in 0..<3 {
                memory.append(
                    Experience(
                        states: [Int32(start), Int32(middle)], actions: [Int32(a), Int32(b)], reward: reward(a, b)))
            }
        }
        var generator = SeededGenerator(seed: 1)
        memory.replay(
            20_000, through: QLearningUpdate(learningRate: 0.05, discount: 1), into: &table, using: &generator)
        for a in 0..<3 {
            let middle = table.index(of: [a]) ?? -1
            for b in 0..<3 {
                XCTAssertEqual(table.utility(of: middle, action: b), reward(a, b), accuracy: 1e-6)
            }
            XCTAssertEqual(
                table.utility(of: start, action: a), (0..<3).map { reward(a, $0) }.max() ?? 0, accuracy: 1e-6)
        }
    }

    func testQTable_codableRoundTrip_keepsKeysCountsAndValues() throws {
        var table = QTable<[Int]>(initialValue: 0.5)
        _ = table.intern([], actionCount: 2)
        let second = table.intern([1], actionCount: 3)
        table.setUtility(0.75, of: second, action: 2)
        let decoded = try JSONDecoder().decode(QTable<[Int]>.self, from: JSONEncoder().encode(table))
        XCTAssertEqual(decoded, table)
        XCTAssertEqual(decoded.index(of: [1]), second)
        XCTAssertEqual(decoded.greedyActions(of: second), [2])
    }
}

final class EpsilonScheduleTests: XCTestCase {
    private let steps = [
        EpsilonSchedule.Step(epsilon: 1, models: 3), EpsilonSchedule.Step(epsilon: 0.5, models: 2),
        EpsilonSchedule.Step(epsilon: 0.1, models: 1),
    ]

    func testUniqueModels_countTowardTheStepTheyWereProposedIn() {
        var schedule = EpsilonSchedule(steps: steps)
        schedule.recordUniqueModel(proposedInStep: 0)
        schedule.recordUniqueModel(proposedInStep: 0)
        XCTAssertEqual(schedule.epsilon, 1)
        schedule.recordUniqueModel(proposedInStep: 0)
        XCTAssertEqual(schedule.epsilon, 0.5)
        // A late result of a step already passed counts there, not here.
        schedule.recordUniqueModel(proposedInStep: 0)
        XCTAssertEqual(schedule.counts, [4, 0, 0])
        schedule.recordUniqueModel(proposedInStep: 1)
        schedule.recordUniqueModel(proposedInStep: 1)
        schedule.recordUniqueModel(proposedInStep: 2)
        XCTAssertTrue(schedule.isFinished)
        XCTAssertNil(schedule.epsilon)
    }

    func testPositionFromALog_isTheFirstStepShortOfItsModels() {
        let resumed = EpsilonSchedule(steps: steps, uniqueModels: [(1, 5), (0.5, 1)])
        XCTAssertEqual(resumed.current, 1)
        XCTAssertEqual(resumed.counts, [5, 1, 0])
        XCTAssertEqual(EpsilonSchedule(steps: steps, uniqueModels: [(1, 3), (0.5, 2)]).epsilon, 0.1)
    }
}

final class MetaQNNStrategyTests: XCTestCase {
    private let toySpace = EdgeChoiceSpace(edges: 4, operations: 5)

    /// A reward with a unique best network, ops (3, 1, 2, 0).
    private func toyReward(_ ops: [Int]) -> Double {
        let target = [3, 1, 2, 0]
        let matches = zip(ops, target).filter { $0 == $1 }.count
        return 0.5 + 0.1 * Double(matches) - 0.001 * Double(ops.reduce(0, +))
    }

    private func completed(_ value: Double) -> TrialOutcome { .completed(curve: [value / 2, value]) }

    private func toyStrategy(schedule: [EpsilonSchedule.Step], seed: UInt64 = 7) -> MetaQNN<EdgeChoiceSpace> {
        MetaQNN(
            space: toySpace,
            parameters: MetaQNNParameters(
                schedule: schedule, update: QLearningUpdate(learningRate: 0.1, discount: 1), replayBatch: 64),
            hyperparameters: ["learning_rate": 0.1], budget: 4, seed: seed)
    }

    func testGreedyPolicy_onAnEnumerableSpace_endsOnTheBestNetwork() throws {
        var strategy = toyStrategy(
            schedule: [.init(epsilon: 1, models: 60), .init(epsilon: 0.3, models: 15), .init(epsilon: 0.1, models: 10)])
        var harness = AsyncTrainerHarness(slots: 3, seed: 3) { [toySpace] candidate in
            self.completed(self.toyReward(toySpace.ops(of: candidate.network)))
        }
        try harness.run(&strategy, results: 2000)
        XCTAssertTrue(strategy.schedule.isFinished, strategy.phase)
        XCTAssertEqual(toySpace.ops(of: strategy.greedyTrajectory().network), [3, 1, 2, 0])
        // Results of proposals still running when a step completes count toward that step.
        XCTAssertGreaterThanOrEqual(strategy.uniqueNetworkCount, 85)
        XCTAssertLessThanOrEqual(strategy.uniqueNetworkCount, 85 + 3 * 3)
        XCTAssertEqual(strategy.uniqueNetworkCount, Set(harness.trained).count)
    }

    func testNoNetworkIsTrainedTwice_andTrainedOnesAreNotProposedAgain() throws {
        var strategy = toyStrategy(schedule: [.init(epsilon: 1, models: 60), .init(epsilon: 0.1, models: 40)])
        var harness = AsyncTrainerHarness(slots: 4, seed: 11) { [toySpace] candidate in
            self.completed(self.toyReward(toySpace.ops(of: candidate.network)))
        }
        try harness.run(&strategy, results: 3000)
        XCTAssertTrue(strategy.schedule.isFinished, strategy.phase)
        XCTAssertEqual(Set(harness.trained).count, harness.trained.count, "a network was trained twice")
        XCTAssertEqual(harness.trained.count, strategy.uniqueNetworkCount)
        // A network finished before is proposed only when 100 walks in a row found nothing new.
        XCTAssertEqual(harness.reusedProposals, strategy.counters.knownNetworksProposed)
        XCTAssertLessThan(harness.reusedProposals, 5)
        XCTAssertGreaterThan(strategy.counters.resampledWalks, 0, "ε = 0.1 re-finds trained networks")
        XCTAssertEqual(strategy.counters.resampledWalks + harness.observations.count, strategy.replayMemory.count)
    }

    func testOutcomeForTheSameWalkTwice_countsOnce() throws {
        var strategy = toyStrategy(schedule: [.init(epsilon: 1, models: 5)])
        var proposals: [Candidate] = []
        // Propose until two proposals share a network (joined by the daemon): the toy space has 64.
        var seen: [String: Candidate] = [:]
        var pair: (Candidate, Candidate)?
        while pair == nil, proposals.count < 200 {
            guard case .train(let candidate) = try strategy.propose() else { break }
            proposals.append(candidate)
            if let earlier = seen[candidate.network.notation] { pair = (earlier, candidate) }
            seen[candidate.network.notation] = candidate
        }
        let (earlier, later) = try XCTUnwrap(pair)
        strategy.observe(Observation(proposalID: earlier.proposalID, candidate: earlier, outcome: completed(0.8)))
        strategy.observe(Observation(proposalID: later.proposalID, candidate: later, outcome: completed(0.8)))
        XCTAssertEqual(strategy.schedule.counts, [1])
        XCTAssertEqual(strategy.counters.reusedOutcomes, 1)
        XCTAssertEqual(strategy.uniqueNetworkCount, 1)
    }

    func testVeto_teachesNothingByDefault_andCountsWhenRewarded() throws {
        for rewardsVetoed in [false, true] {
            var strategy = MetaQNN(
                space: toySpace,
                parameters: MetaQNNParameters(schedule: [.init(epsilon: 1, models: 5)], rewardsVetoed: rewardsVetoed),
                hyperparameters: [:], budget: 4, seed: 1)
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected a proposal") }
            strategy.observe(
                Observation(proposalID: candidate.proposalID, candidate: candidate, outcome: .vetoed(predicted: 0.6)))
            XCTAssertEqual(strategy.schedule.counts, [rewardsVetoed ? 1 : 0])
            XCTAssertEqual(strategy.replayMemory.count, rewardsVetoed ? 1 : 0)
            XCTAssertEqual(strategy.counters.unrewarded, rewardsVetoed ? 0 : 1)
        }
    }

    func testScheduleDone_isExhausted() throws {
        var strategy = toyStrategy(schedule: [.init(epsilon: 1, models: 2)])
        var harness = AsyncTrainerHarness(slots: 1, seed: 2) { _ in self.completed(0.6) }
        try harness.run(&strategy, results: 2)
        XCTAssertEqual(try strategy.propose(), .exhausted)
    }

    func testSnapshotAfterKResults_restored_proposesExactlyWhatTheUninterruptedOneDoes() throws {
        for k in [0, 7, 31] {
            let schedule: [EpsilonSchedule.Step] = [.init(epsilon: 1, models: 25), .init(epsilon: 0.2, models: 25)]
            var original = toyStrategy(schedule: schedule, seed: 99)
            let outcome: (Candidate) -> TrialOutcome = { [toySpace] candidate in
                let ops = toySpace.ops(of: candidate.network)
                return ops.first == 0 ? .failed(reason: "crashed") : self.completed(self.toyReward(ops))
            }
            var harness = AsyncTrainerHarness(slots: 1, seed: 5, outcome: outcome)
            try harness.run(&original, results: k)
            var restored = toyStrategy(schedule: schedule, seed: 12345)
            try restored.restore(from: try original.snapshot())
            XCTAssertEqual(try restored.snapshot(), try original.snapshot())
            var left = harness
            var right = harness
            try left.run(&original, results: 15)
            try right.run(&restored, results: 15)
            XCTAssertEqual(left.proposals, right.proposals, "k = \(k)")
            XCTAssertEqual(try original.snapshot(), try restored.snapshot(), "k = \(k)")
        }
    }

    func testRestore_refusesASnapshotOfAnotherSchedule() throws {
        let strategy = toyStrategy(schedule: [.init(epsilon: 1, models: 2)])
        var other = toyStrategy(schedule: [.init(epsilon: 1, models: 3)])
        XCTAssertThrowsError(try other.restore(from: try strategy.snapshot()))
        XCTAssertThrowsError(try other.restore(from: Data("{}".utf8)))
    }
}

final class MetaQNNOnTheMetaQNNSpaceTests: XCTestCase {
    /// Property: on the MetaQNN layer space with a parameter limit, every proposed network is a
    /// legal trajectory of the space, within the limit, and trained once.
    func testEveryProposal_isLegal_withinTheLimits_andNew() throws {
        var configuration = MetaQNNSpace.Configuration()
        configuration.maxDepth = 6
        configuration.filterCounts = [16, 32, 64]
        configuration.constraints = ArchitectureConstraints(maxParameters: 150_000, maxMACs: nil)
        let space = try MetaQNNSpace(configuration: configuration)
        for seed: UInt64 in [1, 2, 3] {
            var strategy = MetaQNN(
                space: space,
                parameters: MetaQNNParameters(
                    schedule: [
                        .init(epsilon: 1, models: 40), .init(epsilon: 0.5, models: 20), .init(epsilon: 0.1, models: 20),
                    ],
                    replayBatch: 32),
                hyperparameters: [:], budget: 5, seed: seed)
            var harness = AsyncTrainerHarness(slots: 5, seed: seed) { candidate in
                let layers = Double(candidate.network.architecture?.layers.count ?? 0)
                return .completed(curve: [0.3 + 0.05 * layers])
            }
            try harness.run(&strategy, results: 2000)
            XCTAssertTrue(strategy.schedule.isFinished, strategy.phase)
            for candidate in harness.proposals {
                let architecture = try XCTUnwrap(candidate.network.architecture)
                XCTAssertNoThrow(try space.trajectory(of: architecture), "\(architecture)")
                let analysis = try architecture.analyze(input: configuration.inputShape)
                XCTAssertLessThanOrEqual(analysis.parameters, 150_000, "\(architecture)")
            }
            XCTAssertEqual(Set(harness.trained).count, harness.trained.count, "seed \(seed)")
            XCTAssertEqual(harness.reusedProposals, strategy.counters.knownNetworksProposed)
            XCTAssertGreaterThan(strategy.counters.walksOverLimits, 0, "the limit is binding")
        }
    }
}
