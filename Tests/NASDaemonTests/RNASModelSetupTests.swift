import Foundation
import NASConfig
import NASCore
import NASNumerics
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// RNAS model files (`nasd predict train --predictor rnas`) through the configuration check,
/// `SearchSetup` and the daemon core: `prior: {kind: rnas, model: FILE}` judges from the first
/// candidate, `strategy.predictor_model` with `predictor: rnas` ranks the first round at once, and a
/// corrupt, other-predictor or other-space file is a located error at its key.
final class RNASModelSetupTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "rnasmodel")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private var configurationFile: String { directory.appendingPathComponent("run.yaml").path }

    /// The final accuracy the model is trained on and the run's trials reach: a deterministic
    /// function of the network (as `OneWorkerRun.accuracy`).
    private static func finalAccuracy(_ notation: String) -> Double {
        OneWorkerRun.accuracy(of: notation, epoch: 6, budget: 6)
    }

    /// An RNAS model of NAS-Bench-201 cells "from an earlier run": a small ranker fit on 40 random
    /// cells with the accuracies this test's runs will see.
    @discardableResult
    private func writeModel(named name: String) throws -> (url: URL, file: RNASModelFile) {
        let space = try NASBench201Space()
        var generator = SeededGenerator(seed: 31)
        let networks = try (0..<40).map { _ in try space.sampleNetwork(using: &generator) }
        var settings = RNASSettings()
        settings.convolutionChannels = [4]
        settings.hiddenUnits = [16, 8]
        settings.epochs = 10
        let file = try RNASModelFile.train(
            networks: .nb201, tensors: try networks.map { try RNASFeatureTensor.encode($0) },
            targets: networks.map { Self.finalAccuracy($0.canonicalNotation) }, settings: settings, seed: 2)
        let url = directory.appendingPathComponent(name)
        try file.encoded().write(to: url)
        return (url, file)
    }

    private func check(_ text: String) throws -> RunConfiguration {
        let configuration = try RunConfigurationCheck().check(text: text, file: configurationFile)
        return SearchSetup.resolvingPaths(of: configuration, base: directory)
    }

    /// A prior section on line 5 of a run of `space`.
    private func priorText(model: String, space: String = "{kind: nb201}") -> String {
        """
        name: judged
        seed: 3
        space: \(space)
        strategy: {kind: random}
        prior: {kind: rnas, model: \(model), veto_quantile: 0.5, train_after: 6, retrain_every: 6}
        training: {epochs: 6}
        trainer: {builtin: replay, file: curves.jsonl}
        end: {max_trials: 12}
        """
    }

    func testPriorModel_vetoesFromTheFirstCandidate_beforeAnyNetworkIsTrained() throws {
        let (_, file) = try writeModel(named: "ranker.json")
        let resolved = try check(priorText(model: "ranker.json"))
        let predictors = try SearchSetup.makePredictors(for: resolved)
        let gate = try XCTUnwrap(predictors.gate as? RNASGate)
        XCTAssertEqual(gate.transferred, file.gateModel)

        let runDirectory = directory.appendingPathComponent("state")
        try OneWorkerRun.run(
            configuration: OneWorkerRun.configuration(trials: 12).replacingOccurrences(
                of:
                    "space: {kind: metaqnn, filters: [16, 32, 64], kernels: [1, 3, 5], fc_sizes: [64, 128], max_depth: 5}",
                with: "space: {kind: nb201}"), in: runDirectory, predictors: predictors, fitDelay: 2)
        let store = try RunStore(runDirectory: runDirectory.appendingPathComponent("p"), mode: .mustExist)
        let trials = try store.trials().filter { $0.reusedFrom == nil }.sorted { $0.id < $1.id }
        XCTAssertEqual(trials.count, 12)
        // The first candidate already has the file's prediction (model version 1 is the file's).
        let first = try XCTUnwrap(trials.first)
        let network = try Network(notation: first.canonicalNotation)
        XCTAssertEqual(first.priorPrediction?.modelVersion, 1, "\(first)")
        XCTAssertEqual(first.priorPrediction?.accuracy, try file.gateModel.score(network))
        XCTAssertTrue(trials.allSatisfy { $0.priorPrediction != nil }, "every candidate is judged")
        // Before train_after (6) networks are trained every decision is the file's.
        let earlyVetoes = trials.prefix(6).filter { $0.state == .vetoed }
        XCTAssertFalse(earlyVetoes.isEmpty, "the file's model vetoes before the run has trained 6 networks")
        for trial in earlyVetoes {
            XCTAssertLessThan(trial.priorPrediction?.accuracy ?? .infinity, file.gateModel.threshold(quantile: 0.5))
        }
        let stored = try XCTUnwrap(try store.predictorModel(named: "prior/rnas", version: 1))
        XCTAssertEqual(try gate.decodeModel(stored.bytes) as? RNASGateModel, file.gateModel)
    }

    func testPriorModel_isPinnedInTheRunDirectory_atSubmit() throws {
        let (url, _) = try writeModel(named: "ranker.json")
        let state = directory.appendingPathComponent("state")
        let core = try DaemonCore(
            options: DaemonOptions(stateDirectory: state, token: "t", leaseTimeout: 30, version: "test"), log: .silent)
        let text = priorText(model: "ranker.json").replacingOccurrences(
            of: "trainer: {builtin: replay, file: curves.jsonl}", with: "trainer: {builtin: surrogate}")
        let actions = core.handle([
            .control(.submit(configText: text, fileName: configurationFile, restart: false), ControlReply { _ in })
        ])
        let answers = actions.compactMap { action -> ControlResponse? in
            if case .reply(_, let response) = action { return response }
            return nil
        }
        guard case .ok = try XCTUnwrap(answers.first) else { return XCTFail("submit: \(answers)") }
        let pinned = state.appendingPathComponent("judged").appendingPathComponent(
            StateDirectoryLayout.pinnedPriorModelName)
        XCTAssertEqual(try Data(contentsOf: pinned), try Data(contentsOf: url))
    }

    private func assertRefused(
        _ text: String, line configLine: Int, key: String, containing fragments: [String], line: UInt = #line
    ) {
        XCTAssertThrowsError(try RunConfigurationCheck().check(text: text, file: configurationFile), line: line) {
            error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("\(self.configurationFile):\(configLine):"), message, line: line)
            XCTAssertTrue(message.contains(": error: \(key): "), message, line: line)
            for fragment in fragments { XCTAssertTrue(message.contains(fragment), message, line: line) }
        }
    }

    func testPriorModel_corrupt_otherPredictors_orOtherSpaces_areLocatedErrors() throws {
        try writeModel(named: "ranker.json")
        try Data("{\"format\": \"nasd.rnas\", \"formatVersion\": 1, \"ranker\": ".utf8)
            .write(to: directory.appendingPathComponent("torn.json"))
        assertRefused(
            priorText(model: "torn.json"), line: 5, key: "prior.model", containing: ["not a readable RNAS model"])
        try Data(#"{"format": "nasd.rnas", "formatVersion": 7}"#.utf8)
            .write(to: directory.appendingPathComponent("future.json"))
        assertRefused(
            priorText(model: "future.json"), line: 5, key: "prior.model",
            containing: ["format version 7; this build reads 1"])
        try Data(#"{"format": "nasd.peephole", "formatVersion": 1}"#.utf8)
            .write(to: directory.appendingPathComponent("peephole.json"))
        assertRefused(
            priorText(model: "peephole.json"), line: 5, key: "prior.model",
            containing: ["format is 'nasd.peephole', expected 'nasd.rnas'", "is peephole's"])
        assertRefused(
            priorText(model: "ranker.json", space: "{kind: cell}"), line: 5, key: "prior.model",
            containing: [
                "the RNAS model was trained on NAS-Bench-201 cells (nb201); this run's networks are NAS-Bench-101 "
                    + "cells (cell)"
            ])
        assertRefused(
            priorText(model: "ranker.json", space: "{kind: metaqnn}"), line: 5, key: "prior.model",
            containing: ["this run's networks are sequential networks"])
        // The RNAS file with a Peephole prior is refused by Peephole's reader, naming the owner.
        assertRefused(
            priorText(model: "ranker.json").replacingOccurrences(of: "kind: rnas", with: "kind: peephole"), line: 5,
            key: "prior.model", containing: ["format is 'nasd.rnas', expected 'nasd.peephole'", "is rnas's"])
    }

    /// Predictor-driven evolution over NAS-Bench-201 with `predictor_model` on line 6.
    private func evolutionText(model: String, predictor: String = "rnas", space: String = "{kind: nb201}") -> String {
        TransferredModelConfiguration.text(model: model, predictor: predictor, space: space)
    }

    func testStrategyModel_ranksTheFirstRound_withTheFilesRanker_withoutAFit() throws {
        let (_, file) = try writeModel(named: "ranker.json")
        let resolved = try check(evolutionText(model: "ranker.json"))
        var strategy = try XCTUnwrap(try SearchSetup.makeStrategy(for: resolved) as? PredictorDrivenEvolution)
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1))
        let request = try XCTUnwrap(strategy.modelRequest)
        XCTAssertNil(request.examples, "nothing is fit for the first round")
        strategy.install(request.fulfilled())
        let scorer = try file.ranker.makeScorer()
        var scores: [Double] = []
        for _ in 0..<3 {
            guard case .train(let candidate) = try strategy.propose() else {
                return XCTFail("the first round needs no trained network and no fit")
            }
            scores.append(try scorer.score(candidate.network))
        }
        XCTAssertEqual(strategy.modelVersion, 1)
        XCTAssertEqual(scores, scores.sorted(by: >), "proposed best ranked first by the file's model")
        XCTAssertEqual(try strategy.propose(), .waitForResults)
        guard case .evolution(let options) = resolved.strategy else { return XCTFail("not evolution") }
        let transferred = try XCTUnwrap(
            try SearchSetup.transferredModel(options, space: resolved.space) as? RNASModel)
        XCTAssertEqual(transferred, file.ranker)
        let predictor = try XCTUnwrap(
            SearchSetup.architecturePredictor(.rnas, configuration: resolved, transferred: transferred)
                as? RNASArchitecturePredictor)
        XCTAssertEqual(predictor.transferred, file.ranker, "the run's fits fine-tune the file's ranker")
    }

    func testStrategyModel_otherSpaceOrPredictor_isALocatedError() throws {
        try writeModel(named: "ranker.json")
        assertRefused(
            evolutionText(model: "ranker.json", space: "{kind: cell}"), line: 6, key: "strategy.predictor_model",
            containing: ["trained on NAS-Bench-201 cells (nb201); this run's networks are NAS-Bench-101 cells"])
        assertRefused(
            evolutionText(model: "ranker.json", predictor: "peephole"), line: 6, key: "strategy.predictor_model",
            containing: ["not a readable Peephole model: format is 'nasd.rnas'", "is rnas's"])
        let exploring = evolutionText(model: "ranker.json").replacingOccurrences(
            of: "  predictor_generations: 1\n", with: "  predictor_generations: 1\n  predictor_exploration: 1\n")
        assertRefused(
            exploring, line: 12, key: "strategy.predictor_exploration",
            containing: ["ranker.json holds one ranker", "--ensemble 3"])
        try Data([0xFF, 0x00]).write(to: directory.appendingPathComponent("binary.json"))
        assertRefused(
            evolutionText(model: "binary.json"), line: 6, key: "strategy.predictor_model",
            containing: ["not a readable RNAS model"])
    }
}

/// `strategy.predictor_ensemble` reaches the run's RNAS fits.
final class RNASEnsembleSetupTests: XCTestCase {
    func testPredictorEnsemble_setsTheFitsEnsembleSize() throws {
        func predictor(_ extra: String) throws -> RNASArchitecturePredictor {
            let configuration = try RunConfiguration(
                yaml: """
                    name: t
                    space: {kind: nb201}
                    strategy: {kind: evolution, predictor: rnas\(extra)}
                    training: {epochs: 5}
                    trainer: {builtin: replay, file: curves.jsonl}
                    """, file: "t.yaml")
            return try XCTUnwrap(
                SearchSetup.architecturePredictor(.rnas, configuration: configuration) as? RNASArchitecturePredictor)
        }
        XCTAssertEqual(try predictor("").settings.ensembleSize, 1)
        XCTAssertEqual(try predictor(", predictor_ensemble: 4").settings.ensembleSize, 4)
        XCTAssertEqual(try predictor(", predictor_ensemble: 4").exploration, 0)
        XCTAssertEqual(try predictor(", predictor_ensemble: 4, predictor_exploration: 1.5").exploration, 1.5)
    }
}
