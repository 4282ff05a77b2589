import Foundation
import NASCore
import NASTestSupport
import XCTest

@testable import NASSearch

/// f-Hyperband (Baker et al. 2018, appendix C): the rung's κ·n-th best as the reference, models per
/// target r on the first d curves trained to r, and the rung results a stop and a completion leave.
final class FastHyperbandTests: XCTestCase {
    /// Small settings so a debug build fits a model set in well under a second.
    private let quick = SRMSettings(
        searchCount: 4, cRange: SRMSettings.Range(lower: 0.01, upper: 100, isLogarithmic: true), minimumExamples: 6,
        leaveOneOutLimit: 8, maximumIterations: 2_000)

    private func pruner(minimumCurves: Int, confidence: Double = 0.95, kappa: Double = 1) -> FastHyperbandPruner {
        FastHyperbandPruner(
            rule: FastHyperbandRule(confidence: confidence, kappa: kappa, minimumCurves: minimumCurves),
            settings: quick, seed: 3, input: .cifar)
    }

    private func rows(count: Int, budget: Int, seed: UInt64) throws -> [EarlyStoppingReplay.Row] {
        EarlyStoppingReplay.Row.rows(of: try SurrogateCurves.records(count: count, budget: budget, seed: seed))
    }

    // MARK: The stop rule

    func testReference_isTheKappaNthBestResultOfTheRung() {
        let rung = RungStanding(targetEpochs: 9, results: [0.5, 0.9, 0.7, 0.8], survivors: 3)
        // k = ⌈κ·n⌉: κ = 1 → the 3rd best, κ = 0.5 → ⌈1.5⌉ = 2nd, κ = 0.1 → at least the best.
        XCTAssertEqual(FastHyperbandRule(confidence: 0.99, kappa: 1).reference(in: rung), 0.7)
        XCTAssertEqual(FastHyperbandRule(confidence: 0.99, kappa: 0.5).reference(in: rung), 0.8)
        XCTAssertEqual(FastHyperbandRule(confidence: 0.99, kappa: 0.1).reference(in: rung), 0.9)
        // Fewer results than k: max_k is −∞, nothing is stopped.
        let young = RungStanding(targetEpochs: 9, results: [0.9, 0.8], survivors: 3)
        let rule = FastHyperbandRule(confidence: 0.99, kappa: 1)
        XCTAssertNil(rule.reference(in: young))
        let poor = FinalValuePrediction(mean: 0.2, sigma: 0.01, prefixEpochs: 2)
        XCTAssertFalse(rule.shouldStop(prediction: poor, rung: young))
        XCTAssertTrue(rule.shouldStop(prediction: poor, rung: rung))
        // Φ(0.7 − δ; ŷ, σ) ≥ Δ: a prediction near the reference is let run; so is a poor one when
        // the margin δ reaches below it.
        let close = FinalValuePrediction(mean: 0.69, sigma: 0.05, prefixEpochs: 2)
        XCTAssertFalse(rule.shouldStop(prediction: close, rung: rung))
        XCTAssertFalse(FastHyperbandRule(confidence: 0.99, margin: 0.6).shouldStop(prediction: poor, rung: rung))
    }

    // MARK: Where a configuration stands in Hyperband

    private let placeholder = Candidate(
        proposalID: 0, network: .sequential(Architecture(layers: [.softmax(classes: 10)])), hyperparameters: [:],
        budget: 1)

    private func hyperband() throws -> Hyperband {
        var configuration = MetaQNNSpace.Configuration()
        configuration.maxDepth = 6
        return Hyperband(
            sampler: try MetaQNNSpace(configuration: configuration), maxResource: 9, eta: 3, iterations: 1,
            hyperparameters: [:], seed: 4)
    }

    /// A stopped configuration's prediction and a completed one's final value are both results of
    /// the rung (Algorithm 2's `L`: the final value counts although models exist), a failure is
    /// none; promotion ranks a stopped configuration by its prediction.
    func testRungStanding_holdsPredictionsAndFinalValues_andPromotionRanksByThem() throws {
        var strategy = try hyperband()
        // R = 9, η = 3: the first bracket is 9@1 → 3@3 → 1@9.
        var ids: [Int] = []
        for _ in 0..<9 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("rung 0 fills first") }
            ids.append(candidate.proposalID)
        }
        XCTAssertEqual(
            strategy.rungStanding(ofProposal: ids[0]), RungStanding(targetEpochs: 1, results: [], survivors: 3))
        func observe(_ id: Int, _ outcome: TrialOutcome) {
            strategy.observe(Observation(proposalID: id, candidate: placeholder, outcome: outcome))
        }
        observe(ids[0], .stoppedEarly(curve: [0.2], predicted: 0.95, sigma: 0.01))
        observe(ids[1], .completed(curve: [0.6]))
        observe(ids[2], .failed(reason: "crashed"))
        XCTAssertEqual(strategy.rungStanding(ofProposal: ids[3])?.results, [0.95, 0.6])
        XCTAssertNil(strategy.rungStanding(ofProposal: ids[0]), "a configuration with its result awaits none")
        for (offset, id) in ids.dropFirst(3).enumerated() {
            observe(id, .completed(curve: [0.1 + 0.01 * Double(offset)]))
        }
        // The stopped configuration's prediction is the rung's best: it is promoted first.
        guard case .continueTraining(let promoted, let budget) = try strategy.propose() else {
            return XCTFail("the rung's best is promoted")
        }
        XCTAssertEqual(promoted, ids[0])
        XCTAssertEqual(budget, 3)
        XCTAssertEqual(
            strategy.rungStanding(ofProposal: ids[0]), RungStanding(targetEpochs: 3, results: [], survivors: 1))
    }

    // MARK: Models per target

    func testTrainingSets_takeTheFirstDCurvesTrainedToEachTarget() throws {
        let all = try rows(count: 30, budget: 9, seed: 7)
        var examples: [PredictorExample] = []
        // 12 completions at r = 3, 5 at r = 9 and 20 at r = 1, interleaved.
        for (index, row) in all.prefix(12).enumerated() {
            examples.append(PredictorExample(candidate: row.candidate, curve: Array(row.curve.prefix(3))))
            if index < 5 { examples.append(PredictorExample(candidate: row.candidate, curve: row.curve)) }
        }
        for row in all.suffix(20) {
            examples.append(PredictorExample(candidate: row.candidate, curve: Array(row.curve.prefix(1))))
        }
        let pruner = pruner(minimumCurves: 10)
        let sets = pruner.trainingSets(examples)
        XCTAssertEqual(Array(sets.keys), [3], "r = 9 has 5 < d curves; one-epoch curves predict nothing")
        let three = try XCTUnwrap(sets[3])
        XCTAssertEqual(three.map(\.curve.values), all.prefix(10).map { Array($0.curve.prefix(3)) })
        XCTAssertTrue(three.allSatisfy { $0.features.epochBudget == 3 }, "features are those of training to r")

        let model = try pruner.fit(examples, version: 1)
        let models = try XCTUnwrap(model as? FastHyperbandModels)
        XCTAssertEqual(models.targets, [3])
        XCTAssertEqual(models.models(forTarget: 3)?.prefixLengths, [1, 2], "M[3][τ] for τ = 1, 2")
        XCTAssertEqual(models.models(forTarget: 3)?.exampleCount, 10)
        let decoded = try XCTUnwrap(try pruner.decodeModel(try model.encoded()) as? FastHyperbandModels)
        XCTAssertEqual(decoded, models)
        // A later version with more curves holds the same M[3] (D[3] stays its first d curves).
        let later = try XCTUnwrap(
            try pruner.fit(examples + examples.prefix(4), version: 2) as? FastHyperbandModels)
        XCTAssertEqual(later.models(forTarget: 3), models.models(forTarget: 3))
        // Fitting afresh (no memo) gives the same models: the memo changes no result.
        let fresh = try XCTUnwrap(try self.pruner(minimumCurves: 10).fit(examples, version: 1) as? FastHyperbandModels)
        XCTAssertEqual(fresh, models)
        XCTAssertEqual(pruner.schedule, ModelSchedule(burnIn: 10, cadence: 3))
    }

    func testDecide_stopsAgainstTheRungWithTheModelsForItsTarget() throws {
        let all = try rows(count: 60, budget: 9, seed: 2)
        let training = Array(all.prefix(30))
        let pruner = pruner(minimumCurves: 30)
        let model = try pruner.fit(
            training.map { PredictorExample(candidate: $0.candidate, curve: $0.curve) }, version: 1)
        let held = Array(all.dropFirst(30))
        let worst = try XCTUnwrap(held.min { $0.final < $1.final })
        let best = try XCTUnwrap(held.map(\.final).max())
        XCTAssertLessThan(worst.final, best - 0.1, "the workload needs a clearly worse network")
        let rung = RungStanding(
            targetEpochs: 9, results: held.map(\.final).sorted(by: >).prefix(3).map { $0 }, survivors: 3)
        let prefix = worst.prefix(reports: 3)
        let standing = RunStanding(rung: rung)
        guard
            case .stop(let predicted, let sigma, _) = pruner.decide(
                candidate: worst.candidate, curve: prefix, standing: standing, model: model)
        else { return XCTFail("a configuration predicted far below the rung's 3rd best must be stopped") }
        let expected = try XCTUnwrap(pruner.prediction(of: worst.candidate, curve: prefix, target: 9, model: model))
        XCTAssertEqual(predicted, expected.mean)
        XCTAssertEqual(sigma, expected.sigma)
        XCTAssertEqual(expected.prefixEpochs, 3, "M[9][3] predicts from three epochs")
        // No rung (not Hyperband), at r, without M[r], with a rung short of κ·n results: proceed.
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: prefix, standing: RunStanding(), model: model), .proceed)
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: worst.recorded, standing: standing, model: model), .proceed
        )
        var other = rung
        other.targetEpochs = 27
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: prefix, standing: RunStanding(rung: other), model: model),
            .proceed)
        other = rung
        other.results = Array(rung.results.prefix(2))
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: prefix, standing: RunStanding(rung: other), model: model),
            .proceed)
        XCTAssertEqual(
            pruner.decide(candidate: worst.candidate, curve: prefix, standing: standing, model: nil), .proceed)
    }

    // MARK: Replay

    /// Hyperband and f-Hyperband over the same draws: f-Hyperband stops configurations once the
    /// models for a target exist and spends fewer epochs; Hyperband alone stops nothing.
    func testReplay_fHyperbandStopsConfigurationsAndSpendsFewerEpochs() throws {
        let rows = try rows(count: 80, budget: 9, seed: 5)
        func search(_ pruner: FastHyperbandPruner?) throws -> HyperbandReplay.Search {
            var hyperband = Hyperband(
                sampler: HyperbandReplay.RowSampler(rows: rows), maxResource: 9, eta: 3, iterations: 6,
                hyperparameters: [:], seed: 11)
            return try HyperbandReplay.run(&hyperband, rows: rows, pruner: pruner)
        }
        let plain = try search(nil)
        let fast = try search(pruner(minimumCurves: 8))
        XCTAssertEqual(plain.stopped, 0)
        XCTAssertEqual(plain.fits, 0)
        // R = 9, η = 3, 6 iterations: per iteration 9@1 → 3@3 → 1@9, 5@3 → 1@9, 3@9.
        XCTAssertEqual(plain.epochsUsed, 6 * (9 + 3 * 2 + 1 * 6 + 5 * 3 + 1 * 6 + 3 * 9))
        XCTAssertEqual(plain.trainedToMaximum, 6 * 5)
        XCTAssertGreaterThan(fast.stopped, 0, "\(fast)")
        XCTAssertGreaterThan(fast.fits, 0)
        XCTAssertLessThan(fast.epochsUsed, plain.epochsUsed)
        XCTAssertEqual(try search(pruner(minimumCurves: 8)), fast, "the replay is a function of its seed")
        let comparison = HyperbandReplay.compare(baseline: [plain], fast: [fast])
        XCTAssertEqual(comparison.epochsRatio, Double(plain.epochsUsed) / Double(fast.epochsUsed))
        XCTAssertEqual(comparison.bestReached, (fast.bestFinal ?? 0) >= (plain.bestFinal ?? 1) ? 1 : 0)
    }
}
