import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// SRM early stopping in the daemon: the pruner the configuration names, driven by `DaemonCore`
/// with one worker slot and fits run as `.fit` actions come (issue 8 §3).
final class SRMEarlyStoppingTests: XCTestCase {
    private let token = "tok"

    private let configuration = """
        name: s
        seed: 5
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 5}
        strategy: {kind: random}
        training: {epochs: 6}
        trainer: {builtin: surrogate}
        end: {max_trials: 34}
        early_stopping: {kind: srm, burn_in: 14, min_epochs: 2, confidence: 0.95}
        """

    /// Small search settings so that a debug build fits in well under a second.
    private static let quick = SRMSettings(
        searchCount: 6, cRange: SRMSettings.Range(lower: 0.01, upper: 100, isLogarithmic: true), minimumExamples: 6,
        leaveOneOutLimit: 10, maximumIterations: 2_000)

    /// The pruner `SearchSetup.makePredictors` builds for the configuration, with `quick` settings.
    @Sendable private static func makePredictors(_ configuration: RunConfiguration) throws -> RunPredictors {
        guard var pruner = try SearchSetup.makePredictors(for: configuration).pruner as? SRMPruner else {
            throw PredictorFitError("the configuration must give an SRM pruner")
        }
        pruner.settings = quick
        return RunPredictors(pruner: pruner)
    }

    private final class TestClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var now: Date { current.withLock { $0 } }
    }

    /// A trial's accuracy at an epoch: a final value set by its network, approached linearly.
    private static func accuracy(of notation: String, epoch: Int, budget: Int) -> Double {
        let digest = SHA256.digest(of: Array(notation.utf8))
        let final = 0.3 + 0.6 * Double(digest[0]) / 255
        return final * (0.5 + 0.5 * Double(epoch) / Double(budget))
    }

    /// Runs the search to its end with one worker slot; fits come back `fitDelay` batches late.
    private func run(fitDelay: Int, in directory: URL, configuration: String? = nil) throws -> RunStore {
        let configuration = configuration ?? self.configuration
        let clock = TestClock()
        let core = try DaemonCore(
            options: DaemonOptions(
                stateDirectory: directory, token: token, leaseTimeout: 30, version: "test",
                makePredictors: Self.makePredictors),
            clock: .following { clock.now }, log: .silent)
        var pendingFits: [(due: Int, job: FitJob)] = []
        var batches = 0
        var seq: UInt64 = 0
        var assignments: [DaemonMessage.Assignment] = []
        var stopped: Set<String> = []
        func handle(_ events: [DaemonEvent]) {
            batches += 1
            let due = pendingFits.filter { $0.due <= batches }
            pendingFits.removeAll { $0.due <= batches }
            for action in core.handle(events + due.map { $0.job.run() }) {
                switch action {
                case .fit(let job): pendingFits.append((batches + fitDelay, job))
                case .send(_, .assign(let assignment)): assignments.append(assignment)
                case .send(_, .stopTrial(let stop)): stopped.insert(stop.jobID)
                case .reply(let reply, let response): reply(response)
                default: break
                }
            }
        }
        handle([
            .control(
                .submit(
                    configText: configuration, fileName: directory.appendingPathComponent("s.yaml").path,
                    restart: false),
                ControlReply { response in
                    if case .error(let error) = response { XCTFail("submit refused: \(error)") }
                })
        ])
        let connection = ConnectionID(1)
        handle([
            .workerConnected(connection, peer: "t"),
            .workerMessage(
                connection, .hello(.init(workerVersion: "test", token: token, workerID: "w", hostname: "h", slots: 1))),
        ])
        while !assignments.isEmpty {
            let assignment = assignments.removeFirst()
            for epoch in (assignment.spec.startEpoch + 1)...assignment.spec.epochBudget
            where !stopped.contains(assignment.jobID) {
                seq += 1
                let accuracy = Self.accuracy(
                    of: assignment.spec.network.notation, epoch: epoch, budget: assignment.spec.epochBudget)
                handle([
                    .workerMessage(
                        connection,
                        .epochProgress(
                            .init(
                                jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                                runName: "s", record: EpochRecord(epoch: epoch, validationAccuracy: accuracy), seq: seq)
                        ))
                ])
            }
            seq += 1
            handle([
                .workerMessage(
                    connection,
                    .complete(
                        .init(
                            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                            runName: "s",
                            summary: .init(
                                epochsCompleted: assignment.spec.epochBudget, finalAccuracy: 0, bestAccuracy: 0,
                                wallSeconds: 1),
                            seq: seq)))
            ])
            var idle = 0
            while assignments.isEmpty && !pendingFits.isEmpty && idle < fitDelay + 2 {
                idle += 1
                handle([.tick])
            }
        }
        return try RunStore(runDirectory: directory.appendingPathComponent("s"), mode: .mustExist)
    }

    func testSRM_stopsBadTrialsAfterTheBurnIn_withStoredPredictionsAndModels() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "srm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try run(fitDelay: 2, in: directory)
        XCTAssertEqual(try store.run()?.state, .finished)
        let trials = try store.trials().filter { $0.reusedFrom == nil }.sorted { $0.id < $1.id }
        XCTAssertEqual(trials.count, 34)
        // One worker: trials run in id order, so the first 14 are the burn-in and train fully.
        XCTAssertEqual(trials.prefix(14).map(\.state), Array(repeating: .completed, count: 14))
        let stopped = trials.filter { $0.state == .stoppedEarly }
        XCTAssertGreaterThanOrEqual(stopped.count, 4, "the workload must exercise the stop rule")
        let pruner = try XCTUnwrap(
            try Self.makePredictors(try RunConfiguration(yaml: configuration, file: "s.yaml")).pruner as? SRMPruner)
        for trial in stopped {
            let stop = try XCTUnwrap(trial.stopPrediction)
            let version = try XCTUnwrap(stop.modelVersion)
            let epoch = try XCTUnwrap(trial.stoppedAtEpoch)
            XCTAssertGreaterThanOrEqual(epoch, 2, "not before min_epochs")
            XCTAssertLessThan(epoch, 6)
            // The model that decided is stored under its version, and it predicts what was recorded.
            let stored = try XCTUnwrap(try store.predictorModel(named: "stop_rule/srm", version: version))
            let models = try XCTUnwrap(try pruner.decodeModel(stored.bytes) as? SequentialRegressionModels)
            let completedBefore = trials.filter { $0.id < trial.id && $0.state == .completed }.count
            XCTAssertEqual(models.exampleCount, 14 + (version - 1) * 10)
            XCTAssertEqual(version, 1 + (completedBefore - 14) / 10, "the version the schedule names")
            let curve = try store.curve(of: trial.id)
            XCTAssertEqual(curve.count, epoch)
            let proposal = try XCTUnwrap(try store.proposals(of: trial.id).first)
            let candidate = try JSONDecoder().decode(Candidate.self, from: proposal.candidate)
            let prefix = CurvePrefix(values: curve)
            let prediction = try XCTUnwrap(pruner.prediction(of: candidate, curve: prefix, models: models))
            XCTAssertEqual(stop.accuracy, prediction.mean, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(stop.sigma), prediction.sigma, accuracy: 1e-12)
            // Stopped because its final accuracy would very likely not beat the best before it.
            let best = try XCTUnwrap(trials.filter { $0.id < trial.id }.compactMap(\.finalAccuracy).max())
            XCTAssertGreaterThanOrEqual(
                pruner.rule.probabilityOfNotBeating(best, prediction: prediction), pruner.rule.confidence)
            // And it would indeed have ended below the best.
            let final = Self.accuracy(of: trial.proposedNotation, epoch: 6, budget: 6)
            XCTAssertLessThan(final, try XCTUnwrap(trials.compactMap(\.finalAccuracy).max()))
        }
        // However late the fits come back, the same trials are stopped with the same predictions.
        let other = try TestEnvironment.makeTemporaryDirectory(prefix: "srm")
        defer { try? FileManager.default.removeItem(at: other) }
        let immediate = try run(fitDelay: 0, in: other).trials().filter { $0.reusedFrom == nil }.sorted {
            $0.id < $1.id
        }
        XCTAssertEqual(immediate.map(\.state), trials.map(\.state))
        XCTAssertEqual(immediate.map(\.stopPrediction), trials.map(\.stopPrediction))
        XCTAssertEqual(immediate.map(\.stoppedAtEpoch), trials.map(\.stoppedAtEpoch))
        // The best network of the run was trained to the end.
        let finals = trials.map { Self.accuracy(of: $0.proposedNotation, epoch: 6, budget: 6) }
        let bestIndex = try XCTUnwrap(finals.indices.max { finals[$0] < finals[$1] })
        XCTAssertEqual(trials[bestIndex].state, .completed)
    }

    /// With a warm start as large as the burn-in, the first model is fit before the run completes
    /// anything (on the warm curves alone), and trials are stopped from the run's second trial on.
    func testAWarmStartAsLargeAsTheBurnIn_stopsTrialsBeforeTheRunHasCompletedItsOwn() throws {
        let cold = try TestEnvironment.makeTemporaryDirectory(prefix: "srm")
        defer { try? FileManager.default.removeItem(at: cold) }
        let first = try run(fitDelay: 1, in: cold)
        // The first run's complete curves are the second's warm start (an earlier run of the task).
        let records = try first.trials(in: [.completed]).filter { $0.reusedFrom == nil }.map { trial in
            CurveRecord(
                network: .notation(try Architecture(notation: trial.proposedNotation)),
                curve: try first.curve(of: trial.id), hyperparameters: trial.hyperparameters)
        }
        let warm = try TestEnvironment.makeTemporaryDirectory(prefix: "srm")
        defer { try? FileManager.default.removeItem(at: warm) }
        try Data(try CurvesFile.format(Array(records.prefix(14))).utf8).write(
            to: warm.appendingPathComponent("warm.jsonl"))
        let text = configuration.replacingOccurrences(of: "seed: 5", with: "seed: 6").replacingOccurrences(
            of: "confidence: 0.95}", with: "confidence: 0.95, warm_start: warm.jsonl}")
        let store = try run(fitDelay: 1, in: warm, configuration: text)
        let trials = try store.trials().filter { $0.reusedFrom == nil }.sorted { $0.id < $1.id }
        XCTAssertEqual(trials.first?.state, .completed, "no stop before the run has a final accuracy")
        let early = trials.prefix(14).filter { $0.state == .stoppedEarly }
        XCTAssertFalse(early.isEmpty, "a warm start lets the run stop trials within its own burn-in")
        let stored = try XCTUnwrap(try store.predictorModel(named: "stop_rule/srm", version: 1))
        let pruner = try XCTUnwrap(
            try Self.makePredictors(try RunConfiguration(yaml: configuration, file: "s.yaml")).pruner as? SRMPruner)
        let models = try XCTUnwrap(try pruner.decodeModel(stored.bytes) as? SequentialRegressionModels)
        XCTAssertEqual(models.exampleCount, 14, "version 1 is the warm curves alone")
        XCTAssertEqual(early.first?.stopPrediction?.modelVersion, 1)
    }
}
