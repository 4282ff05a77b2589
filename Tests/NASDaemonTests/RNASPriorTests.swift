import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// RNAS as the prior in the daemon core: vetoes below the quantile of the trained networks'
/// scores, records each judged trial's score with its model version, audits some would-be vetoes,
/// and a run with one worker ends the same after a kill -9.
final class RNASPriorTests: XCTestCase {
    /// A small ranker over NAS-Bench-201 cells (4×4 tensors), so the fits take well under a second in
    /// a debug build.
    static let gate: RNASGate = {
        var settings = RNASSettings()
        settings.convolutionChannels = [4]
        settings.hiddenUnits = [16, 8]
        settings.epochs = 10
        return RNASGate(
            quantile: 0.5, trainAfter: 4, retrainEvery: 4, auditFraction: 0.3, settings: settings, seed: 23)
    }()

    private struct Outcome: Hashable {
        var notation: String
        var state: TrialState
        var prior: Prediction?
    }

    private func runPrior(killAfter: Int? = nil) throws -> (outcomes: [Outcome], figures: PriorFiguresView?) {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "rnasprior")
        defer { try? FileManager.default.removeItem(at: directory) }
        try OneWorkerRun.run(
            configuration: OneWorkerRun.configuration(trials: 16).replacingOccurrences(
                of:
                    "space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 5}",
                with: "space: {kind: nb201}"), in: directory,
            predictors: RunPredictors(gate: Self.gate), fitDelay: 2, killAfter: killAfter)
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished)
        for version in Set(try store.trials().compactMap { $0.priorPrediction?.modelVersion }) {
            let stored = try XCTUnwrap(try store.predictorModel(named: "prior/rnas", version: version), "v\(version)")
            XCTAssertNoThrow(try Self.gate.decodeModel(stored.bytes))
        }
        let outcomes = try store.trials().filter { $0.reusedFrom == nil }.map {
            Outcome(notation: $0.canonicalNotation, state: $0.state, prior: $0.priorPrediction)
        }
        return (outcomes, try RunViews.status(of: store).prior)
    }

    func testVetoesOnRankingScores_recordThem_andSurviveAKill() throws {
        let immediate = try runPrior()
        let vetoed = immediate.outcomes.filter { $0.state == .vetoed }
        XCTAssertFalse(vetoed.isEmpty, "the workload must exercise the veto: \(immediate.outcomes)")
        XCTAssertTrue(vetoed.allSatisfy { ($0.prior?.modelVersion ?? 0) >= 1 }, "each veto names its model")
        let figures = try XCTUnwrap(immediate.figures)
        XCTAssertEqual(figures.vetoed, vetoed.count)
        XCTAssertNotNil(figures.kendallTau, "scores and accuracies of the trained trials give a τ")
        for kill in [30, 50] {
            XCTAssertEqual(try runPrior(killAfter: kill).outcomes, immediate.outcomes, "killed after \(kill) batches")
        }
    }
}
