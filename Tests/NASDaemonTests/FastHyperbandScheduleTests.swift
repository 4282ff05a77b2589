import Foundation
import NASCore
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// f-Hyperband in the daemon core with one worker: its models are fit off the commit thread and
/// its state is the store's, so the run ends with the same trials, stops and finals however long
/// the fits take and whether or not the daemon was killed (and restarted from the store) — the
/// examples a restart rebuilds are each rung's completions, cut where they completed.
final class FastHyperbandScheduleTests: XCTestCase {
    private let configuration = """
        name: p
        seed: 23
        space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 5}
        strategy: {kind: hyperband, max_resource: 9, eta: 3, iterations: 3}
        training: {epochs: 9}
        trainer: {builtin: surrogate}
        early_stopping: {kind: srm, confidence: 0.9, min_curves: 6}
        """

    private struct Outcome: Hashable, CustomStringConvertible {
        var notation: String
        var state: TrialState
        var stop: Prediction?
        var stoppedAt: Int?
        var final: Double?
        var description: String {
            "\(state) \(stop.map { "\($0.accuracy)@\(stoppedAt ?? 0) v\($0.modelVersion ?? 0)" } ?? "")"
        }
    }

    private func run(fitDelay: Int, killAfter: Int? = nil) throws -> [Outcome] {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "fhb")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pruner = FastHyperbandPruner(
            rule: FastHyperbandRule(confidence: 0.9, minimumCurves: 6),
            settings: SRMSettings(searchCount: 3, minimumExamples: 6, leaveOneOutLimit: 6, maximumIterations: 2_000),
            seed: 23, input: .cifar)
        try OneWorkerRun.run(
            configuration: configuration, in: directory, predictors: RunPredictors(pruner: pruner), fitDelay: fitDelay,
            killAfter: killAfter,
            accuracy: { notation, epoch, _ in OneWorkerRun.accuracy(of: notation, epoch: epoch, budget: 9) })
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished)
        let outcomes = try store.trials().filter { $0.reusedFrom == nil }.map {
            Outcome(
                notation: $0.canonicalNotation, state: $0.state, stop: $0.stopPrediction, stoppedAt: $0.stoppedAtEpoch,
                final: $0.finalAccuracy)
        }
        for version in Set(outcomes.compactMap { $0.stop?.modelVersion }) {
            XCTAssertNotNil(
                try store.predictorModel(named: "stop_rule/f-hyperband", version: version), "model \(version)")
        }
        return outcomes
    }

    func testOutcomes_doNotDependOnHowLongFitsTake_orOnAKill() throws {
        let immediate = try run(fitDelay: 0)
        let stopped = immediate.filter { $0.state == .stoppedEarly }
        XCTAssertFalse(stopped.isEmpty, "the workload must exercise f-Hyperband: \(immediate)")
        XCTAssertTrue(immediate.contains { $0.state == .completed && $0.final != nil }, "\(immediate)")
        XCTAssertEqual(try run(fitDelay: 4), immediate, "fits 4 batches late")
        // Kills before the first models exist, and after.
        for kill in [30, 60, 90, 120, 170] {
            XCTAssertEqual(try run(fitDelay: 2, killAfter: kill), immediate, "killed after \(kill) batches")
        }
    }
}
