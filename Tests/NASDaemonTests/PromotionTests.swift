import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// A Hyperband-shaped script: train N for 2 epochs; once seen, ask for N at 1 epoch (answered at
/// once, the curve cut) and continue the first proposal to 4; end once N at 4 is seen.
/// The scripted strategies below keep their step and what they saw in one `State`, snapshotted whole.
private protocol ScriptedStrategy: SearchStrategy {
    var state: PromotingStrategy.State { get set }
}

extension ScriptedStrategy {
    func snapshot() throws(StrategyError) -> Data { try Self.encodeSnapshot(state) }
    mutating func restore(from snapshot: Data) throws(StrategyError) {
        state = try Self.decodeSnapshot(PromotingStrategy.State.self, from: snapshot)
    }
}

private struct PromotingStrategy: ScriptedStrategy {
    struct State: Codable, Hashable {
        var step = 0
        var seen: [String] = []
    }
    var state = State()
    static let network = Network.sequential(
        (try? Architecture(notation: "[C(16,3,1), SM(10)]")) ?? Architecture(layers: []))

    var kind: String { "promoting" }
    var phase: String { "step \(state.step)" }

    mutating func propose() throws(StrategyError) -> Proposal {
        switch state.step {
        case 0:
            state.step = 1
            return .train(Candidate(proposalID: 1, network: Self.network, hyperparameters: [:], budget: 2))
        case 1:
            return .waitForResults
        case 2:
            state.step = 3
            return .train(Candidate(proposalID: 2, network: Self.network, hyperparameters: [:], budget: 1))
        case 3:
            state.step = 4
            return .continueTraining(proposalID: 1, budget: 4)
        case 4:
            return .waitForResults
        default:
            return .exhausted
        }
    }

    mutating func observe(_ observation: Observation) {
        guard case .completed(let curve) = observation.outcome else {
            state.seen.append("\(observation.proposalID):\(observation.outcome)")
            return
        }
        state.seen.append("\(observation.proposalID):\(curve.count)")
        if observation.proposalID == 1 && curve.count == 2 { state.step = max(state.step, 2) }
        if observation.proposalID == 1 && curve.count == 4 { state.step = 5 }
    }
}

/// The script above, then, while the promoted trial trains to 4 epochs, N again at 8 epochs: the
/// network's finished record is then the reuse row of the proposal at 1 epoch, whose trained trial
/// is in flight again; the proposal must join that trial, not be answered from the reuse.
private struct ReproposingStrategy: ScriptedStrategy {
    var state = PromotingStrategy.State()

    var kind: String { "reproposing" }
    var phase: String { "step \(state.step)" }

    mutating func propose() throws(StrategyError) -> Proposal {
        switch state.step {
        case 0:
            state.step = 1
            return .train(Candidate(proposalID: 1, network: PromotingStrategy.network, hyperparameters: [:], budget: 2))
        case 2:
            state.step = 3
            return .train(Candidate(proposalID: 2, network: PromotingStrategy.network, hyperparameters: [:], budget: 1))
        case 3:
            state.step = 4
            return .continueTraining(proposalID: 1, budget: 4)
        case 4:
            state.step = 5
            return .train(Candidate(proposalID: 3, network: PromotingStrategy.network, hyperparameters: [:], budget: 8))
        case 6:
            return .exhausted
        default:
            return .waitForResults
        }
    }

    mutating func observe(_ observation: Observation) {
        let count: Int
        if case .completed(let curve) = observation.outcome { count = curve.count } else { count = -1 }
        state.seen.append("\(observation.proposalID):\(count)")
        if observation.proposalID == 1 && count == 2 { state.step = max(state.step, 2) }
        if observation.proposalID == 3 && count == 8 { state.step = 6 }
    }
}

/// Train N for 2 epochs, continue it to 4 (a promotion), and once that fails for good ask for N at
/// 4 epochs again: the failed trial cannot answer it, so the network is trained afresh.
private struct RetryAfterFailedPromotionStrategy: ScriptedStrategy {
    var state = PromotingStrategy.State()

    var kind: String { "retry-after-failed-promotion" }
    var phase: String { "step \(state.step)" }

    mutating func propose() throws(StrategyError) -> Proposal {
        switch state.step {
        case 0:
            state.step = 1
            return .train(Candidate(proposalID: 1, network: PromotingStrategy.network, hyperparameters: [:], budget: 2))
        case 2:
            state.step = 3
            return .continueTraining(proposalID: 1, budget: 4)
        case 4:
            state.step = 5
            return .train(Candidate(proposalID: 2, network: PromotingStrategy.network, hyperparameters: [:], budget: 4))
        case 6:
            return .exhausted
        default:
            return .waitForResults
        }
    }

    mutating func observe(_ observation: Observation) {
        let outcome: String
        switch observation.outcome {
        case .completed(let curve): outcome = "\(curve.count)"
        case .failed: outcome = "failed"
        default: outcome = "other"
        }
        state.seen.append("\(observation.proposalID):\(outcome)")
        if observation.proposalID == 1 && outcome == "2" { state.step = 2 }
        if observation.proposalID == 1 && outcome == "failed" { state.step = 4 }
        if observation.proposalID == 2 && outcome == "4" { state.step = 6 }
    }
}

final class PromotionTests: XCTestCase {
    private final class TestClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var now: Date { current.withLock { $0 } }
    }

    private let configuration = """
        name: h
        seed: 3
        space: {kind: metaqnn, filters: [16], kernels: [3], fc_sizes: [64], max_depth: 3}
        strategy: {kind: random}
        training: {epochs: 4}
        trainer: {builtin: surrogate}
        end: {max_trials: 10}
        """

    private func makeCore(
        _ directory: URL, _ clock: TestClock,
        strategy: @escaping @Sendable () -> any SearchStrategy = {
            PromotingStrategy()
        }
    ) throws -> DaemonCore {
        try DaemonCore(
            options: DaemonOptions(
                stateDirectory: directory, token: "t", leaseTimeout: 30, version: "test",
                makeStrategy: { _ in strategy() }),
            clock: .following { clock.now }, log: .silent)
    }

    private func assignments(_ actions: [DaemonAction]) -> [DaemonMessage.Assignment] {
        actions.compactMap { if case .send(_, .assign(let a)) = $0 { a } else { nil } }
    }

    private func report(_ a: DaemonMessage.Assignment, epoch: Int, seq: UInt64) -> DaemonEvent {
        .workerMessage(
            ConnectionID(1),
            .epochProgress(
                .init(
                    jobID: a.jobID, attempt: a.attempt, trialID: a.spec.trialID, runName: "h",
                    record: EpochRecord(epoch: epoch, validationAccuracy: 0.1 * Double(epoch)), seq: seq)))
    }

    private func complete(_ a: DaemonMessage.Assignment, seq: UInt64) -> DaemonEvent {
        .workerMessage(
            ConnectionID(1),
            .complete(
                .init(
                    jobID: a.jobID, attempt: a.attempt, trialID: a.spec.trialID, runName: "h",
                    summary: .init(
                        epochsCompleted: a.spec.epochBudget, finalAccuracy: 0, bestAccuracy: 0, wallSeconds: 1),
                    seq: seq)))
    }

    func testPromotion_trainsTheSameTrialOnFromItsLastEpoch_andASmallerBudgetIsAnsweredWithTheCurveCut() throws {
        for killDuringPromotion in [false, true] {
            let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "promo")
            defer { try? FileManager.default.removeItem(at: directory) }
            let clock = TestClock()
            var core = try makeCore(directory, clock)
            _ = core.handle([
                .control(
                    .submit(configText: configuration, fileName: "/tmp/h.yaml", restart: false), ControlReply { _ in })
            ])
            let hello: [DaemonEvent] = [
                .workerConnected(ConnectionID(1), peer: "p"),
                .workerMessage(
                    ConnectionID(1),
                    .hello(.init(workerVersion: "test", token: "t", workerID: "w", hostname: "h", slots: 1))),
            ]
            let greeted = core.handle(hello)
            let first = try XCTUnwrap(assignments(greeted).first, "\(greeted)")
            XCTAssertEqual(first.spec.epochBudget, 2)
            _ = core.handle([report(first, epoch: 1, seq: 1), report(first, epoch: 2, seq: 2)])
            let afterCompletion = core.handle([complete(first, seq: 3)])
            let promoted = try XCTUnwrap(assignments(afterCompletion).first, "the promotion: \(afterCompletion)")
            XCTAssertEqual(promoted.spec.trialID, first.spec.trialID, "the same trial, not a new one")
            XCTAssertEqual(promoted.spec.epochBudget, 4)
            XCTAssertEqual(promoted.spec.startEpoch, 2, "it trains on from its last stored epoch")
            _ = core.handle([report(promoted, epoch: 3, seq: 4)])
            if killDuringPromotion {
                core = try makeCore(directory, clock)
                let reattach: [DaemonEvent] = [
                    .workerConnected(ConnectionID(1), peer: "p"),
                    .workerMessage(
                        ConnectionID(1),
                        .hello(
                            .init(
                                workerVersion: "test", token: "t", workerID: "w", hostname: "h", slots: 1,
                                inFlight: [
                                    .init(
                                        jobID: promoted.jobID, attempt: promoted.attempt,
                                        trialID: promoted.spec.trialID,
                                        runName: "h", lastEpochReported: 3)
                                ]))),
                ]
                XCTAssertTrue(assignments(core.handle(reattach)).isEmpty, "the promoted job is re-attached")
            }
            _ = core.handle([report(promoted, epoch: 4, seq: 5), complete(promoted, seq: 6)])
            _ = core.handle([.tick])
            let store = try RunStore(runDirectory: directory.appendingPathComponent("h"), mode: .mustExist)
            let trials = try store.trials()
            let trained = trials.filter { $0.reusedFrom == nil }
            XCTAssertEqual(trained.count, 1, "one trial per network across budgets: \(trials.map(\.state))")
            XCTAssertEqual(trials.count, 2, "and one reuse row for the proposal at 1 epoch")
            XCTAssertEqual(trained.first?.state, .completed)
            XCTAssertEqual(trained.first?.epochBudget, 4)
            XCTAssertEqual(try store.curve(of: trained[0].id), [0.1, 0.2, 0.30000000000000004, 0.4])
            XCTAssertEqual(try store.run()?.state, .finished, "the strategy saw N at 4 epochs and ended")
            let snapshot = try XCTUnwrap(try store.latestStrategySnapshot())
            let state = try JSONDecoder().decode(PromotingStrategy.State.self, from: snapshot.bytes)
            XCTAssertEqual(state.seen, ["1:2", "2:1", "1:4"], "kill during promotion: \(killDuringPromotion)")
            XCTAssertEqual(try store.jobs(of: trained[0].id).map(\.startEpoch), [0, 2])
        }
    }

    func testAPromotedTrialThatFailsForGood_isTrainedAfreshWhenItsNetworkIsAskedForAgain() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "promo-fail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = TestClock()
        let core = try makeCore(directory, clock, strategy: { RetryAfterFailedPromotionStrategy() })
        _ = core.handle([
            .control(
                .submit(
                    configText: configuration + "\ntrial: {max_attempts: 1}\n", fileName: "/tmp/h.yaml", restart: false),
                ControlReply { _ in })
        ])
        let greeted = core.handle([
            .workerConnected(ConnectionID(1), peer: "p"),
            .workerMessage(
                ConnectionID(1),
                .hello(.init(workerVersion: "test", token: "t", workerID: "w", hostname: "h", slots: 1))),
        ])
        let first = try XCTUnwrap(assignments(greeted).first, "\(greeted)")
        _ = core.handle([report(first, epoch: 1, seq: 1), report(first, epoch: 2, seq: 2)])
        let promoted = try XCTUnwrap(assignments(core.handle([complete(first, seq: 3)])).first, "the promotion")
        XCTAssertEqual(promoted.spec.trialID, first.spec.trialID)
        XCTAssertEqual(promoted.spec.startEpoch, 2)
        let failure = DaemonEvent.workerMessage(
            ConnectionID(1),
            .fail(
                .init(
                    jobID: promoted.jobID, attempt: promoted.attempt, trialID: promoted.spec.trialID, runName: "h",
                    reason: "out of memory", exitCode: 1, logTail: [], seq: 4)))
        let afresh = try XCTUnwrap(assignments(core.handle([failure])).first, "N asked for again after the failure")
        XCTAssertNotEqual(afresh.spec.trialID, first.spec.trialID, "a failed trial answers no new proposal")
        XCTAssertEqual(afresh.spec.startEpoch, 0, "trained afresh, from the first epoch")
        XCTAssertEqual(afresh.spec.epochBudget, 4)
        _ = core.handle((1...4).map { report(afresh, epoch: $0, seq: 4 + UInt64($0)) } + [complete(afresh, seq: 9)])
        _ = core.handle([.tick])
        let store = try RunStore(runDirectory: directory.appendingPathComponent("h"), mode: .mustExist)
        let trials = try store.trials()
        XCTAssertEqual(trials.map(\.state), [.failed, .completed], "\(trials)")
        XCTAssertEqual(trials.map(\.reusedFrom), [nil, nil])
        XCTAssertEqual(try store.jobs(of: trials[1].id).map(\.startEpoch), [0])
        let snapshot = try XCTUnwrap(try store.latestStrategySnapshot())
        let state = try JSONDecoder().decode(PromotingStrategy.State.self, from: snapshot.bytes)
        XCTAssertEqual(state.seen, ["1:2", "1:failed", "2:4"])
        XCTAssertEqual(try store.run()?.state, .finished)
    }

    func testAProposalForMoreEpochs_joinsTheTrainedTrialWhenItsReuseRowIsFound() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "promo-reuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let core = try makeCore(directory, TestClock()) { ReproposingStrategy() }
        _ = core.handle([
            .control(.submit(configText: configuration, fileName: "/tmp/h.yaml", restart: false), ControlReply { _ in })
        ])
        let greeted = core.handle([
            .workerConnected(ConnectionID(1), peer: "p"),
            .workerMessage(
                ConnectionID(1),
                .hello(.init(workerVersion: "test", token: "t", workerID: "w", hostname: "h", slots: 2))),
        ])
        let first = try XCTUnwrap(assignments(greeted).first, "\(greeted)")
        _ = core.handle([report(first, epoch: 1, seq: 1), report(first, epoch: 2, seq: 2)])
        let promoted = try XCTUnwrap(assignments(core.handle([complete(first, seq: 3)])).first)
        XCTAssertEqual(promoted.spec.epochBudget, 4)
        // A second free slot makes the daemon ask for work while the promoted trial trains: the
        // proposal at 8 epochs comes then.
        _ = core.handle([report(promoted, epoch: 3, seq: 4)])
        _ = core.handle([report(promoted, epoch: 4, seq: 5)])
        let again = try XCTUnwrap(
            assignments(core.handle([complete(promoted, seq: 6)])).first, "promoted again to the joined budget")
        XCTAssertEqual(again.spec.trialID, first.spec.trialID)
        XCTAssertEqual(again.spec.epochBudget, 8)
        var seq: UInt64 = 6
        for epoch in 5...8 {
            seq += 1
            _ = core.handle([report(again, epoch: epoch, seq: seq)])
        }
        _ = core.handle([complete(again, seq: seq + 1)])
        _ = core.handle([.tick])
        let store = try RunStore(runDirectory: directory.appendingPathComponent("h"), mode: .mustExist)
        let state = try JSONDecoder().decode(
            PromotingStrategy.State.self, from: try XCTUnwrap(try store.latestStrategySnapshot()).bytes)
        XCTAssertEqual(state.seen, ["1:2", "2:1", "1:4", "3:8"])
        XCTAssertEqual(try store.run()?.state, .finished)
        XCTAssertEqual(try store.trials().filter { $0.reusedFrom == nil }.count, 1)
    }
}

/// Plain Hyperband with one worker, killed while promoted trials train: the run ends with the same
/// trials and results as an uninterrupted one. A trial whose budget a promotion raised while it was
/// in flight keeps the budget its job was dispatched with across the restart (the worker trains to
/// that), so its completion there is a rung result, not a trainer that stopped short.
final class HyperbandKillTests: XCTestCase {
    private let configuration = """
        name: p
        seed: 23
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 5}
        strategy: {kind: hyperband, max_resource: 9, eta: 3, iterations: 3}
        training: {epochs: 9}
        trainer: {builtin: surrogate}
        """

    private func outcomes(killAfter: Int?) throws -> [String] {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "hbk")
        defer { try? FileManager.default.removeItem(at: directory) }
        try OneWorkerRun.run(
            configuration: configuration, in: directory, predictors: RunPredictors(), fitDelay: 0,
            killAfter: killAfter,
            accuracy: { notation, epoch, _ in OneWorkerRun.accuracy(of: notation, epoch: epoch, budget: 9) })
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished, "killed after \(killAfter ?? 0) batches")
        return try store.trials().filter { $0.reusedFrom == nil }.map {
            "\($0.state) \($0.epochsDone)/\($0.epochBudget) \($0.finalAccuracy ?? -1) \($0.canonicalNotation)"
        }
    }

    func testKillsWhilePromotedTrialsTrain_endAsAnUninterruptedRun() throws {
        let uninterrupted = try outcomes(killAfter: nil)
        XCTAssertFalse(uninterrupted.contains { $0.hasPrefix("incomplete") }, "\(uninterrupted)")
        for kill in [30, 60] {
            XCTAssertEqual(try outcomes(killAfter: kill), uninterrupted, "killed after \(kill) batches")
        }
    }
}
