import Foundation
import NASCore
import NASTestSupport
import XCTest

@testable import NASSearch

final class SRMPrunerTests: XCTestCase {
    /// Small settings so a debug build fits in well under a second per model set.
    private let quick = SRMSettings(
        searchCount: 4, cRange: SRMSettings.Range(lower: 0.01, upper: 100, isLogarithmic: true), minimumExamples: 6,
        leaveOneOutLimit: 8, maximumIterations: 2_000)

    private func rows(count: Int, seed: UInt64) throws -> [EarlyStoppingReplay.Row] {
        EarlyStoppingReplay.Row.rows(of: try SurrogateCurves.records(count: count, budget: 8, seed: seed))
    }

    private func pruner(burnIn: Int, warmStart: [LearningCurveExample] = [], confidence: Double = 0.99) -> SRMPruner {
        SRMPruner(
            rule: EarlyStoppingRule(confidence: confidence), minimumEpochs: 2, burnIn: burnIn, settings: quick, seed: 4,
            input: .cifar, warmStart: warmStart)
    }

    private func examples(_ rows: [EarlyStoppingReplay.Row]) -> [PredictorExample] {
        rows.map { PredictorExample(candidate: $0.candidate, curve: $0.curve) }
    }

    func testDecide_stopsAClearlyWorseCurve_andOnlyWhenTheRuleAllows() throws {
        let all = try rows(count: 50, seed: 2)
        let training = Array(all.prefix(30))
        let pruner = pruner(burnIn: 30)
        let model = try pruner.fit(examples(training), version: 1)
        let models = try XCTUnwrap(model as? SequentialRegressionModels)
        XCTAssertEqual(models.exampleCount, 30)
        var standing = RunStanding()
        for row in training { standing.record(row.final) }
        let best = try XCTUnwrap(standing.best)
        let held = Array(all.dropFirst(30))
        let worst = try XCTUnwrap(held.min { $0.final < $1.final })
        XCTAssertLessThan(worst.final, best - 0.1, "the workload needs a clearly worse network")
        let prefix = worst.prefix(reports: 3)
        guard
            case .stop(let predicted, let sigma, _) = pruner.decide(
                candidate: worst.candidate, curve: prefix, standing: standing, model: model)
        else { return XCTFail("a network predicted far below the best must be stopped") }
        let expected = try XCTUnwrap(pruner.prediction(of: worst.candidate, curve: prefix, models: models))
        XCTAssertEqual(predicted, expected.mean)
        XCTAssertEqual(sigma, expected.sigma)
        XCTAssertLessThan(predicted, best)
        // The rule's own verdict, recomputed: Φ(y_best; ŷ, σ) ≥ Δ.
        XCTAssertGreaterThanOrEqual(
            pruner.rule.probabilityOfNotBeating(best, prediction: expected), pruner.rule.confidence)
        // Before min_epochs, without a reference, without a model, at the budget: proceed.
        XCTAssertEqual(
            pruner.decide(
                candidate: worst.candidate, curve: worst.prefix(reports: 1), standing: standing, model: model), .proceed
        )
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: prefix, standing: RunStanding(), model: model), .proceed)
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: prefix, standing: standing, model: nil), .proceed)
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: worst.recorded, standing: standing, model: model), .proceed
        )
        // The best network itself is never stopped against its own final value less the margin.
        let top = try XCTUnwrap(training.max { $0.final < $1.final })
        var loose = pruner
        loose.rule = EarlyStoppingRule(confidence: 0.99, margin: 0.05)
        XCTAssertEqual(
            loose.decide(candidate: top.candidate, curve: top.prefix(reports: 3), standing: standing, model: model),
            .proceed)
    }

    func testWarmStart_countsTowardTheBurnIn_andIsFitBeforeTheRunsCurves() throws {
        let records = try SurrogateCurves.records(count: 20, budget: 8, seed: 6)
        let warm = try records.prefix(12).compactMap { try LearningCurveExample(record: $0) }
        XCTAssertEqual(pruner(burnIn: 20, warmStart: warm).schedule, ModelSchedule(burnIn: 8, cadence: 10))
        XCTAssertEqual(pruner(burnIn: 12, warmStart: warm).schedule?.burnIn, 0)
        XCTAssertEqual(pruner(burnIn: 100).schedule, ModelSchedule(burnIn: 100, cadence: 25))
        let warmed = pruner(burnIn: 12, warmStart: warm)
        let run = examples(EarlyStoppingReplay.Row.rows(of: Array(records.dropFirst(12))))
        let fromWarmOnly = try XCTUnwrap(try warmed.fit([], version: 1) as? SequentialRegressionModels)
        XCTAssertEqual(fromWarmOnly.exampleCount, 12)
        let both = try XCTUnwrap(try warmed.fit(run, version: 2) as? SequentialRegressionModels)
        XCTAssertEqual(both.exampleCount, 20)
        // The same fit as SRM on the warm curves followed by the run's, with the version's seed.
        let direct = try SequentialRegressionModels.fit(
            examples: warm + run.compactMap(warmed.learningCurveExample), settings: warmed.settings,
            seed: warmed.fitSeed(ofVersion: 2))
        XCTAssertEqual(both, direct)
    }

    func testModels_roundTripThroughTheirStoredBytes() throws {
        let pruner = pruner(burnIn: 20)
        let model = try pruner.fit(examples(try rows(count: 20, seed: 8)), version: 1)
        let decoded = try pruner.decodeModel(try model.encoded())
        XCTAssertEqual(decoded as? SequentialRegressionModels, model as? SequentialRegressionModels)
        XCTAssertThrowsError(try pruner.decodeModel(Data("{}".utf8)))
    }

    func testReplay_savesEpochs_keepsTheBest_andIsDeterministic() throws {
        let rows = try rows(count: 60, seed: 10)
        let first = EarlyStoppingReplay.run(rows: rows, orderings: 2, seed: 3) { _ in self.pruner(burnIn: 20) }
        let again = EarlyStoppingReplay.run(rows: rows, orderings: 2, seed: 3) { _ in self.pruner(burnIn: 20) }
        XCTAssertEqual(first.orderings, again.orderings)
        let summary = first.summary
        XCTAssertEqual(summary.epochsFull, 60 * 8)
        XCTAssertGreaterThan(summary.stopped, 0)
        XCTAssertGreaterThan(summary.speedup, 1.2, "\(summary)")
        XCTAssertEqual(summary.bestKept, 2, "\(first.orderings)")
        for ordering in first.orderings {
            // Burn-in rows train fully; each stopped row costs at least min_epochs and less than 8.
            XCTAssertGreaterThanOrEqual(ordering.epochsUsed, 20 * 8 + ordering.stopped * 2)
            XCTAssertLessThanOrEqual(ordering.epochsUsed, ordering.epochsFull - ordering.stopped)
            XCTAssertGreaterThanOrEqual(ordering.fits, 1)
        }
        // Without early stopping nothing is saved.
        let never = EarlyStoppingReplay.run(rows: rows, orderings: 1, seed: 3) { _ in self.pruner(burnIn: 1_000) }
        XCTAssertEqual(never.summary.speedup, 1)
        XCTAssertEqual(never.summary.stopped, 0)
    }

    func testReplay_ofCurvesReportedEveryThirdEpoch_decidesInEpochs() throws {
        // Curves of 12 epochs recorded at 3, 6, 9, 12 (a trainer that validates every third epoch).
        var records = try SurrogateCurves.records(count: 60, budget: 12, seed: 10)
        for index in records.indices {
            records[index].curve = stride(from: 2, to: 12, by: 3).map { records[index].curve[$0] }
            records[index].epochs = [3, 6, 9, 12]
        }
        let rows = EarlyStoppingReplay.Row.rows(of: records)
        XCTAssertEqual(rows.count, 60)
        XCTAssertEqual(rows[0].prefix(reports: 2).epochs, [3, 6])
        // min_epochs 6 counts epochs: decisions come at epochs 6 and 9 (reports 2 and 3), never at 3.
        let sparse = SRMPruner(
            rule: EarlyStoppingRule(confidence: 0.9), minimumEpochs: 6, burnIn: 20, settings: quick, seed: 4,
            input: .cifar)
        let replay = EarlyStoppingReplay.run(rows: rows, orderings: 1, seed: 3) { _ in sparse }
        let ordering = try XCTUnwrap(replay.orderings.first)
        XCTAssertGreaterThan(ordering.stopped, 0, "a rule in epochs reaches its 6th epoch at the second report")
        XCTAssertEqual(ordering.epochsFull, 60 * 12)
        // Rows that ran to the end cost 12; stopped rows cost 6 or 9.
        let stoppedCost = ordering.epochsUsed - (60 - ordering.stopped) * 12
        XCTAssertGreaterThanOrEqual(stoppedCost, ordering.stopped * 6)
        XCTAssertLessThanOrEqual(stoppedCost, ordering.stopped * 9)
        XCTAssertEqual(stoppedCost % 3, 0)
    }
}
