import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// Peephole as the prior in the daemon core: vetoes cost no training, every judged trial records
/// the prior's prediction with its model version, and a run with one worker ends the same after
/// a kill -9 (the model-version rule, audits decided from the candidate alone).
final class PeepholePriorTests: XCTestCase {
    /// Small sizes so the fits take milliseconds in a debug build; the threshold lies among its predictions.
    static let gate = PeepholeGate(
        rule: .below(0.79), trainAfter: 4, retrainEvery: 3, auditFraction: 0.2,
        input: TensorShape(channels: 3, height: 32, width: 32),
        settings: PeepholeSettings(
            typeDimension: 4, kernelDimension: 3, channelDimension: 2, epochDimension: 3, epochTableSize: 10,
            hiddenSize: 8, mlpHiddenSize: 8, epochs: 15, batchSize: 4, learningRate: 1e-2),
        seed: 23)

    private let token = "tok"

    private let configuration = OneWorkerRun.configuration(trials: 16)

    private struct Outcome: Hashable, CustomStringConvertible {
        var notation: String
        var state: TrialState
        var prior: Prediction?
        var final: Double?
        var description: String {
            "\(state) \(prior.map { "\($0.accuracy) v\($0.modelVersion ?? 0)" } ?? "-") \(notation)"
        }
    }

    /// Runs the search with one worker slot; each fit's result is posted `fitDelay` batches after
    /// it was asked for; with `killAfter`, the core is replaced by a fresh one over the same state
    /// directory after that many batches (fits in flight are lost with it).
    private func run(fitDelay: Int, killAfter: Int? = nil) throws -> (outcomes: [Outcome], fits: Int) {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "sched")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fits = try OneWorkerRun.run(
            configuration: configuration, in: directory, token: token, predictors: RunPredictors(gate: Self.gate),
            fitDelay: fitDelay,
            killAfter: killAfter)
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished)
        XCTAssertEqual(try store.trials(in: [.failed]).map { $0.failureReason ?? "" }, [])
        let outcomes = try store.trials().filter { $0.reusedFrom == nil }.map {
            Outcome(notation: $0.canonicalNotation, state: $0.state, prior: $0.priorPrediction, final: $0.finalAccuracy)
        }
        // Every model a prediction names is in the store under that version, and decodes.
        for version in Set(outcomes.compactMap { $0.prior?.modelVersion }) {
            let stored = try XCTUnwrap(
                try store.predictorModel(named: "prior/peephole", version: version), "v\(version)")
            XCTAssertNoThrow(try Self.gate.decodeModel(stored.bytes))
        }
        return (outcomes, fits)
    }

    func testVetoes_recordPredictions_andSurviveAKill() throws {
        let immediate = try run(fitDelay: 0)
        let vetoed = immediate.outcomes.filter { $0.state == .vetoed }
        XCTAssertFalse(vetoed.isEmpty, "the workload must exercise the veto: \(immediate.outcomes)")
        XCTAssertTrue(vetoed.allSatisfy { $0.final == nil && ($0.prior?.modelVersion ?? 0) >= 1 }, "\(vetoed)")
        let judged = immediate.outcomes.filter { $0.prior != nil && $0.state != .vetoed }
        XCTAssertFalse(judged.isEmpty, "admitted trials keep the prior's prediction: \(immediate.outcomes)")
        XCTAssertGreaterThan(immediate.fits, 1)
        for kill in [25, 40] {
            let killed = try run(fitDelay: 0, killAfter: kill)
            XCTAssertEqual(killed.outcomes, immediate.outcomes, "killed after \(kill) batches")
        }
    }
}
