import Foundation
import NASConfig
import NASCore
import NASNumerics
import NASProtocol
import NASTestSupport
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// `strategy.predictor_model` through the configuration check and `SearchSetup`: the file is found
/// next to the configuration, its first round needs no warm-up, and a missing, corrupt or
/// other-predictor file is a located error at the key.
final class PredictorModelSetupTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A Peephole model of NAS-Bench-201 cells, one training pass (the mechanics, not the quality).
    private func writeModel(named name: String) throws -> URL {
        let space = try NASBench201Space()
        var generator = SeededGenerator(seed: 4)
        let examples = try (0..<12).map { index in
            PredictorExample(
                candidate: Candidate(
                    proposalID: index + 1, network: try space.sampleNetwork(using: &generator), hyperparameters: [:],
                    budget: 12),
                curve: [0.3 + 0.05 * Double(index)])
        }
        var settings = PeepholeSettings()
        settings.epochs = 1
        let model = try PeepholeArchitecturePredictor(settings: settings, input: .cifar, epoch: 12, seed: 1)
            .fit(examples, version: 1)
        let url = directory.appendingPathComponent(name)
        try model.encoded().write(to: url)
        return url
    }

    /// The configuration text; `predictor_model` is on line 6.
    private func text(predictor: String = "peephole", model: String) -> String {
        TransferredModelConfiguration.text(model: model, predictor: predictor)
    }

    private var configurationFile: String { directory.appendingPathComponent("run.yaml").path }

    func testModelNextToTheConfiguration_isFound_andRanksTheFirstRoundWithoutAFit() throws {
        _ = try writeModel(named: "model.json")
        let configuration = try RunConfigurationCheck().check(text: text(model: "model.json"), file: configurationFile)
        let resolved = SearchSetup.resolvingPaths(
            of: configuration, base: URL(fileURLWithPath: configurationFile).deletingLastPathComponent())
        guard case .evolution(let options) = resolved.strategy else { return XCTFail("not evolution") }
        XCTAssertEqual(options.predictorModel, directory.appendingPathComponent("model.json").path)
        var strategy = try XCTUnwrap(try SearchSetup.makeStrategy(for: resolved) as? PredictorDrivenEvolution)
        XCTAssertEqual(try strategy.propose(), .waitForModel(version: 1))
        let request = try XCTUnwrap(strategy.modelRequest)
        XCTAssertNil(request.examples, "the first round needs no fit")
        strategy.install(request.fulfilled())
        for _ in 0..<3 {
            guard case .train = try strategy.propose() else { return XCTFail("the round starts without a result") }
        }
        XCTAssertEqual(strategy.modelVersion, 1)
        XCTAssertEqual(try strategy.propose(), .waitForResults)
    }

    private func assertRefused(_ text: String, containing fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try RunConfigurationCheck().check(text: text, file: configurationFile), line: line) {
            error in
            let message = "\(error)"
            XCTAssertTrue(
                message.hasPrefix("\(self.configurationFile):6:20: error: strategy.predictor_model: "), message,
                line: line)
            XCTAssertTrue(message.contains(fragment), message, line: line)
        }
    }

    func testMissingFile_isALocatedError() {
        assertRefused(text(model: "absent.json"), containing: "absent.json cannot be read")
    }

    func testCorruptFile_isALocatedError_notACrash() throws {
        try Data("{\"format\": \"nasd.peephole\", \"formatVersion\": 1, \"state\": ".utf8)
            .write(to: directory.appendingPathComponent("torn.json"))
        assertRefused(text(model: "torn.json"), containing: "not a readable Peephole model")
        try Data([0xFF, 0x00, 0x13]).write(to: directory.appendingPathComponent("binary.json"))
        assertRefused(text(model: "binary.json"), containing: "not a readable Peephole model")
    }

    func testPeepholeModel_withPredictorRNAS_isAMismatch() throws {
        _ = try writeModel(named: "model.json")
        assertRefused(
            text(predictor: "rnas", model: "model.json"),
            containing: "not a readable RNAS model: format is 'nasd.peephole', expected 'nasd.rnas' (a 'nasd.peephole' "
                + "model is peephole's")
    }

    /// `prior.model` is found next to the configuration too (it used to be read from the daemon's
    /// working directory), and the run keeps its own copy: a resumed run starts from the model it
    /// started from even when the file is gone.
    func testPriorModel_isFoundNextToTheConfiguration_andPinnedInTheRunDirectory() throws {
        let model = try writeModel(named: "prior.json")
        let text = """
            name: judged
            seed: 3
            space: {kind: nb201}
            strategy: {kind: random}
            prior: {kind: peephole, model: prior.json, veto_below: 0.2}
            training: {epochs: 12}
            trainer: {builtin: surrogate}
            end: {max_trials: 4}
            """
        let configuration = try RunConfigurationCheck().check(text: text, file: configurationFile)
        let resolved = SearchSetup.resolvingPaths(
            of: configuration, base: URL(fileURLWithPath: configurationFile).deletingLastPathComponent())
        XCTAssertEqual(resolved.prior?.model, model.path)

        let state = directory.appendingPathComponent("state")
        func core() throws -> DaemonCore {
            try DaemonCore(
                options: DaemonOptions(stateDirectory: state, token: "t", leaseTimeout: 30, version: "test"),
                log: .silent)
        }
        let actions = try core().handle([
            .control(.submit(configText: text, fileName: configurationFile, restart: false), ControlReply { _ in })
        ])
        let answers = actions.compactMap { action -> ControlResponse? in
            if case .reply(_, let response) = action { return response }
            return nil
        }
        guard case .ok = try XCTUnwrap(answers.first) else { return XCTFail("submit: \(answers)") }
        let pinned = state.appendingPathComponent("judged").appendingPathComponent(
            StateDirectoryLayout.pinnedPriorModelName)
        XCTAssertEqual(try Data(contentsOf: pinned), try Data(contentsOf: model))
        try FileManager.default.removeItem(at: model)
        XCTAssertEqual(try core().activeRunNames, ["judged"], "resumed from its own copy")
    }
}
