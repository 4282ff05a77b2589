import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// Predictor-driven evolution in the daemon: each round's ranker is fit on the predictor queue
/// (a `.fit` action, never inside a batch), stored by version, and the run with one worker ends
/// with the same trials however long the fits take and whether or not the daemon was killed.
final class StrategyModelScheduleTests: XCTestCase {
    private let configuration = """
        name: p
        seed: 23
        space: {kind: nb201}
        strategy: {kind: evolution, population: 4, sample_size: 2, cycles: 6, predictor: rnas, predictor_warmup: 5, predictor_generations: 2, train_top_k: 3}
        training: {epochs: 3}
        trainer: {builtin: surrogate}
        """

    /// The configured strategy with a small ranker (the paper's takes minutes in a debug build).
    @Sendable
    private static func smallRankerStrategy(_ configuration: RunConfiguration) throws -> any SearchStrategy {
        guard case .evolution(let options) = configuration.strategy,
            let space = try SearchSetup.makeSampler(for: configuration.space) as? any MutableSpace
        else { throw SearchSetup.Unsupported(keyPath: "strategy", message: "the test's run is an evolution") }
        var ranker = RNASSettings()
        ranker.convolutionChannels = [4]
        ranker.hiddenUnits = [16, 8]
        ranker.epochs = 10
        return PredictorDrivenEvolution(
            space: space,
            settings: PredictorDrivenEvolution.Settings(
                population: options.population, sampleSize: options.sampleSize, cycles: options.cycles,
                warmup: options.predictorWarmup, generations: options.predictorGenerations,
                trainTopK: options.trainTopK),
            predictor: RNASArchitecturePredictor(settings: ranker, seed: configuration.seed),
            hyperparameters: configuration.training.hyperparameters.fixedValues ?? [:],
            budget: configuration.training.epochs,
            seed: configuration.seed)
    }

    private func run(fitDelay: Int, killAfter: Int? = nil) throws -> (notations: [String], fits: Int) {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "smodel")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fits = try OneWorkerRun.run(
            configuration: configuration, in: directory, predictors: RunPredictors(), fitDelay: fitDelay,
            killAfter: killAfter, makeStrategy: Self.smallRankerStrategy)
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished)
        let trials = try store.trials().filter { $0.reusedFrom == nil }
        XCTAssertEqual(trials.count, 11, "5 warm-up + 6 cycles")
        // Two rounds of 3 (the last cut to 3 by the cycles): models 1 and 2, stored by version.
        XCTAssertEqual(try store.predictorModelVersions()["strategy/rnas"], 2)
        for version in 1...2 {
            XCTAssertNotNil(try store.predictorModel(named: "strategy/rnas", version: version), "model \(version)")
        }
        let model = try XCTUnwrap(try store.predictorModel(named: "strategy/rnas", version: 2))
        let snapshot = try XCTUnwrap(try store.latestStrategySnapshot())
        XCTAssertLessThan(snapshot.bytes.count, model.bytes.count / 4, "the strategy's snapshot holds no model")
        return (trials.map(\.canonicalNotation), fits)
    }

    func testRoundsFitOffTheCommitThread_andTheRunIsTheSameWhateverTheFitsTake_orAKill() throws {
        let immediate = try run(fitDelay: 0)
        XCTAssertEqual(immediate.fits, 2, "each round's fit is handed to the predictor queue as a .fit action")
        let slow = try run(fitDelay: 5)
        XCTAssertEqual(slow.notations, immediate.notations, "fits 5 batches late")
        // Batches 24 and 41 fall while the run waits for models 1 and 2 (the fit in flight is lost
        // with the core: the restored strategy asks for it again); 33 while a trial trains.
        for kill in [24, 33, 41] {
            let killed = try run(fitDelay: 4, killAfter: kill)
            XCTAssertEqual(killed.notations, immediate.notations, "killed after \(kill) batches")
        }
    }
}
