import Foundation
import NASCore
import NASSearch
import XCTest

/// MetaQNN's cost per result on the paper's CIFAR-10 space (18 layers at most): one replay batch
/// of 128, and a whole incorporation (observe: memory append + 128 replays) with 10,000
/// experiences in the memory. Targets (issue 7 §1/§8, release build): ≤ 1 ms and ≤ 5 ms. A debug
/// build is checked against 20 times those.
final class MetaQNNPerformanceTests: XCTestCase {
    #if DEBUG
        private let slack = 20.0
    #else
        private let slack = 1.0
    #endif

    func testIncorporation_withTenThousandReplayEntries_isWithinTarget() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        let schedule = [EpsilonSchedule.Step(epsilon: 1, models: 20_000)]
        // Fill the memory without replays, then continue the same state with batches of 128.
        var filler = MetaQNN(
            space: space, parameters: MetaQNNParameters(schedule: schedule, replayBatch: 0), hyperparameters: [:],
            budget: 1, seed: 3)
        var generator = SeededGenerator(seed: 9)
        // Walks that re-find a trained network join the memory too (as in the original).
        while filler.replayMemory.count < 10_000 {
            guard case .train(let candidate) = try filler.propose() else { return XCTFail("expected a proposal") }
            filler.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [Double.random(in: 0.1..<0.95, using: &generator)])))
        }
        let filled = filler.replayMemory.count
        XCTAssertGreaterThanOrEqual(filled, 10_000)
        var strategy = MetaQNN(
            space: space, parameters: MetaQNNParameters(schedule: schedule, replayBatch: 128), hyperparameters: [:],
            budget: 1, seed: 3)
        try strategy.restore(from: try filler.snapshot())

        let resampledBefore = strategy.counters.resampledWalks
        var pending: [Candidate] = []
        for _ in 0..<50 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected a proposal") }
            pending.append(candidate)
        }
        let clock = ContinuousClock()
        let incorporation = clock.measure {
            for candidate in pending {
                strategy.observe(
                    Observation(
                        proposalID: candidate.proposalID, candidate: candidate, outcome: .completed(curve: [0.8])))
            }
        }
        var table = strategy.qTable
        let memory = strategy.replayMemory
        let update = QLearningUpdate(learningRate: 0.01, discount: 1)
        let replays = clock.measure {
            for _ in 0..<50 { memory.replay(128, through: update, into: &table, using: &generator) }
        }
        var snapshot = Data()
        let snapshotting = try clock.measure { snapshot = try strategy.snapshot() }
        var restored = MetaQNN(
            space: space, parameters: MetaQNNParameters(schedule: schedule, replayBatch: 128), hyperparameters: [:],
            budget: 1, seed: 0)
        let restoring = try clock.measure { try restored.restore(from: snapshot) }
        XCTAssertEqual(try restored.snapshot(), snapshot)
        print(
            "MetaQNN snapshot: \(snapshot.count / 1024) KiB, encoded in "
                + String(format: "%.1f", milliseconds(snapshotting)) + " ms, restored in "
                + String(format: "%.1f", milliseconds(restoring)) + " ms")
        let perIncorporation = milliseconds(incorporation) / 50
        let perBatch = milliseconds(replays) / 50
        print(
            "MetaQNN, 10,000 replay entries, \(strategy.qTable.stateCount) states: incorporation "
                + String(format: "%.3f", perIncorporation) + " ms, 128 replays " + String(format: "%.3f", perBatch)
                + " ms")
        XCTAssertEqual(
            strategy.replayMemory.count, filled + 50 + strategy.counters.resampledWalks - resampledBefore)
        XCTAssertLessThan(perBatch, 1 * slack)
        XCTAssertLessThan(perIncorporation, 5 * slack)
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
