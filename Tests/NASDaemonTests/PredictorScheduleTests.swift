import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// The mean final accuracy of the examples it was fit on.
private struct MeanModel: PredictorModel, Codable {
    var mean: Double
    var count: Int
    func encoded() throws -> Data { try JSONEncoder().encode(self) }
}

/// A learned stop rule: stops a trial whose latest accuracy is below 3/4 of the fitted mean final
/// accuracy, predicting its latest accuracy.
private struct MeanPruner: Pruner {
    var name: String { "mean" }
    var schedule: ModelSchedule? = ModelSchedule(burnIn: 3, cadence: 2)

    func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        let finals = examples.compactMap(\.finalValue)
        guard !finals.isEmpty else { throw PredictorFitError("no examples") }
        return MeanModel(mean: finals.reduce(0, +) / Double(finals.count), count: finals.count)
    }

    func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        do { return try JSONDecoder().decode(MeanModel.self, from: bytes) } catch {
            throw PredictorFitError("\(error)")
        }
    }

    func decide(candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?)
        -> PruneDecision
    {
        guard let model = model as? MeanModel, let last = curve.values.last, curve.lastEpoch >= 2 else {
            return .proceed
        }
        return last < model.mean * 0.75 ? .stop(predicted: last, sigma: 0.01) : .proceed
    }
}

/// A learned prior: vetoes a candidate whose parameter-free "prediction" (a hash of its network)
/// is below the fitted mean final accuracy; fit after 3 trained networks, then every 4.
private struct MeanGate: CandidateGate {
    var name: String { "mean-gate" }
    var schedule: ModelSchedule? { ModelSchedule(burnIn: 3, cadence: 4) }

    func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        try MeanPruner().fit(examples, version: version)
    }

    func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        try MeanPruner().decodeModel(bytes)
    }

    func evaluate(_ candidate: Candidate, model: (any PredictorModel)?) -> GateDecision {
        guard let model = model as? MeanModel else { return .admit() }
        let predicted = 0.4 + 0.5 * Double(SHA256.digest(of: Array(candidate.network.notation.utf8))[1]) / 255
        return predicted < model.mean - 0.1 ? .veto(predicted: predicted) : .admit(predicted: predicted)
    }
}

/// With one worker, a run with a learned pruner ends with the same trials, decisions and best
/// however long its fits take and whether or not the daemon was killed (the model-version rule).
final class PredictorScheduleTests: XCTestCase {
    private let token = "tok"

    private let configuration = OneWorkerRun.configuration(trials: 14)

    private struct Outcome: Hashable, CustomStringConvertible {
        var notation: String
        var state: TrialState
        var stop: Prediction?
        var stoppedAt: Int?
        var final: Double?
        var description: String {
            "\(state) \(stop.map { "\($0.accuracy)@\(stoppedAt ?? 0) v\($0.modelVersion ?? 0)" } ?? "") \(notation)"
        }
    }

    /// Runs the search with one worker slot; each fit's result is posted `fitDelay` batches after
    /// it was asked for; with `killAfter`, the core is replaced by a fresh one over the same state
    /// directory after that many batches (fits in flight are lost with it).
    private func run(
        fitDelay: Int, killAfter: Int? = nil, predictors: RunPredictors = RunPredictors(pruner: MeanPruner())
    ) throws -> (outcomes: [Outcome], fits: Int, priorVersions: Set<Int>) {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "sched")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fits = try OneWorkerRun.run(
            configuration: configuration, in: directory, token: token, predictors: predictors, fitDelay: fitDelay,
            killAfter: killAfter)
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished)
        XCTAssertEqual(try store.trials(in: [.failed]).map { $0.failureReason ?? "" }, [])
        let outcomes = try store.trials().filter { $0.reusedFrom == nil }.map {
            Outcome(
                notation: $0.canonicalNotation, state: $0.state, stop: $0.stopPrediction, stoppedAt: $0.stoppedAtEpoch,
                final: $0.finalAccuracy)
        }
        // Every model a stop decision names is in the store under that version.
        for version in Set(outcomes.compactMap { $0.stop?.modelVersion }) {
            XCTAssertNotNil(try store.predictorModel(named: "stop_rule/mean", version: version), "model \(version)")
        }
        let priorVersions = Set(try store.trials().compactMap { $0.priorPrediction?.modelVersion })
        return (outcomes, fits, priorVersions)
    }

    func testOutcomes_doNotDependOnHowLongFitsTake_orOnAKill() throws {
        let immediate = try run(fitDelay: 0)
        XCTAssertEqual(immediate.outcomes.count, 14)
        let stoppedEarly = immediate.outcomes.filter { $0.state == .stoppedEarly }
        XCTAssertFalse(stoppedEarly.isEmpty, "the workload must exercise the stop rule: \(immediate.outcomes)")
        XCTAssertTrue(stoppedEarly.allSatisfy { ($0.stop?.modelVersion ?? 0) >= 1 }, "each stop names its model")
        XCTAssertGreaterThan(immediate.fits, 1, "\(immediate.outcomes)")
        for delay in [2, 7] {
            let slow = try run(fitDelay: delay)
            XCTAssertEqual(slow.outcomes, immediate.outcomes, "fits \(delay) batches late")
        }
        for kill in [9, 30, 55] {
            let killed = try run(fitDelay: 3, killAfter: kill)
            XCTAssertEqual(killed.outcomes, immediate.outcomes, "killed after \(kill) batches")
        }
    }

    func testPrior_withSlowFits_vetoesTheSame_andTheRunEndsOnlyOnceNoTrialWaitsForAModel() throws {
        let immediate = try run(fitDelay: 0, predictors: RunPredictors(gate: MeanGate()))
        XCTAssertFalse(immediate.outcomes.filter { $0.state == .vetoed }.isEmpty, "the prior must veto some")
        // Proposals wait while a trial waits for the prior's model, so later candidates are judged by
        // later models (fit on 3, 7 and 11 trained networks) rather than all by the first one.
        XCTAssertGreaterThanOrEqual(immediate.priorVersions.count, 2, "\(immediate.priorVersions)")
        for delay in [3, 6] {
            let slow = try run(fitDelay: delay, predictors: RunPredictors(gate: MeanGate()))
            XCTAssertEqual(slow.outcomes, immediate.outcomes, "prior fits \(delay) batches late")
            XCTAssertTrue(
                slow.outcomes.allSatisfy { $0.state.isTerminal }, "no trial left waiting when the run ended")
        }
    }

    /// Two completions in one batch move the version in force from v to v + 1 while a decision
    /// made between them waits for v: v is fit all the same, the decision is made with it, and
    /// the trial ends (it used to wait for a model nobody asked for, its completion held forever).
    func testADecisionWaitingForAVersionTheNextCompletionSuperseded_getsItsModel_andItsTrialEnds() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "sched")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = OneWorkerRun.TestClock()
        let pruner = MeanPruner(schedule: ModelSchedule(burnIn: 1, cadence: 1))
        let core = try DaemonCore(
            options: DaemonOptions(
                stateDirectory: directory, token: token, leaseTimeout: 30, version: "test",
                makePredictors: { _ in RunPredictors(pruner: pruner) }),
            clock: .following { clock.now }, log: .silent)
        var fitsAskedFor: [FitJob] = []
        var assignments: [DaemonMessage.Assignment] = []
        func handle(_ events: [DaemonEvent]) {
            for action in core.handle(events) {
                switch action {
                case .fit(let job): fitsAskedFor.append(job)
                case .send(_, .assign(let assignment)): assignments.append(assignment)
                case .reply(let reply, let response): reply(response)
                default: break
                }
            }
        }
        handle([
            .control(
                .submit(
                    configText: configuration, fileName: directory.appendingPathComponent("p.yaml").path, restart: false
                ),
                ControlReply { _ in }),
            .workerConnected(ConnectionID(1), peer: "t"),
            .workerMessage(
                ConnectionID(1),
                .hello(.init(workerVersion: "test", token: token, workerID: "w", hostname: "h", slots: 3))),
        ])
        XCTAssertEqual(assignments.count, 3)
        let (a, b, c) = (assignments[0], assignments[1], assignments[2])
        var seq: UInt64 = 0
        func epochs(_ job: DaemonMessage.Assignment, _ range: ClosedRange<Int>) -> [DaemonEvent] {
            range.map { epoch in
                seq += 1
                return .workerMessage(
                    ConnectionID(1),
                    .epochProgress(
                        .init(
                            jobID: job.jobID, attempt: job.attempt, trialID: job.spec.trialID, runName: "p",
                            record: EpochRecord(epoch: epoch, validationAccuracy: 0.5), seq: seq)))
            }
        }
        func complete(_ job: DaemonMessage.Assignment) -> DaemonEvent {
            seq += 1
            return .workerMessage(
                ConnectionID(1),
                .complete(
                    .init(
                        jobID: job.jobID, attempt: job.attempt, trialID: job.spec.trialID, runName: "p",
                        summary: .init(epochsCompleted: 6, finalAccuracy: 0.5, bestAccuracy: 0.5, wallSeconds: 1),
                        seq: seq)))
        }
        // C trains to its end during the burn-in, A completes (version 1 in force), B reports two
        // epochs (their decisions wait for version 1), C completes (version 2 in force) — all in
        // one batch.
        handle(epochs(c, 1...6) + epochs(a, 1...6) + [complete(a)] + epochs(b, 1...2) + [complete(c)])
        // Every version a decision waits for is asked for.
        XCTAssertEqual(Set(fitsAskedFor.map(\.version)), [1, 2])
        let fits = fitsAskedFor
        fitsAskedFor = []
        handle(fits.map { $0.run() })
        handle(epochs(b, 3...6) + [complete(b)])
        for _ in 0..<3 {
            handle(fitsAskedFor.map { $0.run() })
            fitsAskedFor = []
        }
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        let trialB = try XCTUnwrap(try store.trial(try XCTUnwrap(TrialID(b.spec.trialID))))
        XCTAssertTrue(trialB.state.isTerminal, "trial B is \(trialB.state)")
    }
}
