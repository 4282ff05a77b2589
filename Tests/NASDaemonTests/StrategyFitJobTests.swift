import Foundation
import NASCore
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// A strategy's fit job, as the predictor queue runs it: fit or decode the model, then the
/// strategy's preparation, both off the commit thread.
final class StrategyFitJobTests: XCTestCase {
    private struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }

    private func strategyWaitingForItsFirstModel() throws -> PredictorDrivenEvolution {
        var ranker = RNASSettings()
        ranker.convolutionChannels = [4]
        ranker.hiddenUnits = [16, 8]
        ranker.epochs = 5
        var strategy = PredictorDrivenEvolution(
            space: try NASBench201Space(),
            settings: PredictorDrivenEvolution.Settings(
                population: 4, sampleSize: 2, cycles: 3, warmup: 5, generations: 2, trainTopK: 3),
            predictor: RNASArchitecturePredictor(settings: ranker, seed: 2), hyperparameters: [:], budget: 3, seed: 2)
        for index in 0..<5 {
            guard case .train(let candidate) = try strategy.propose() else {
                throw Unexpected(description: "expected the warm-up")
            }
            strategy.observe(
                Observation(
                    proposalID: candidate.proposalID, candidate: candidate,
                    outcome: .completed(curve: [0.5 + 0.05 * Double(index)])))
        }
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1))
        return strategy
    }

    private func fitted(_ job: FitJob) throws -> FittedModel {
        guard case .modelFitted(let fitted) = job.run() else {
            throw Unexpected(description: "a fit job posts .modelFitted")
        }
        return fitted
    }

    func testStoredModel_isDecodedNotRefit_andTheRoundIsPreparedWithIt() throws {
        var strategy = try strategyWaitingForItsFirstModel()
        let request = try XCTUnwrap(strategy.modelRequest)
        let model = try request.predictor.fit(try XCTUnwrap(request.examples), version: 1)
        let bytes = try model.encoded()

        let fitted = try fitted(FitJob(runName: "r", strategyRequest: request, stored: bytes))
        guard case .success(let decoded)? = fitted.result else { return XCTFail("the stored model decodes") }
        XCTAssertTrue(decoded.isStored, "nothing new to save")
        XCTAssertEqual(try decoded.model.encoded(), bytes)
        XCTAssertNil(fitted.undecodableStoredModel)
        strategy.install(try XCTUnwrap(fitted.preparation))
        guard case .train = try strategy.propose() else { return XCTFail("the prepared round proposes") }
    }

    func testUndecodableStoredModel_isRefit_sameAsAFreshFit_andSaysWhy() throws {
        let strategy = try strategyWaitingForItsFirstModel()
        let request = try XCTUnwrap(strategy.modelRequest)
        let fresh = try fitted(FitJob(runName: "r", strategyRequest: request, stored: nil))
        let refit = try fitted(FitJob(runName: "r", strategyRequest: request, stored: Data("not a model".utf8)))
        guard case .success(let freshModel)? = fresh.result, case .success(let refitModel)? = refit.result else {
            return XCTFail("both fit")
        }
        XCTAssertFalse(refitModel.isStored, "the refit model is saved over the undecodable one")
        XCTAssertEqual(refitModel.bytes, freshModel.bytes, "fits are pure")
        XCTAssertNotNil(refit.undecodableStoredModel)
        XCTAssertNil(fresh.undecodableStoredModel)
    }
}
