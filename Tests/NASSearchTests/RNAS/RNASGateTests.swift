import Foundation
import NASCore
import XCTest

@testable import NASSearch

final class RNASGateTests: XCTestCase {
    private func example(_ cell: NASBench201Cell, proposalID: Int = 0) -> PredictorExample {
        PredictorExample(
            candidate: Candidate(proposalID: proposalID, network: .nb201(cell), hyperparameters: [:], budget: 12),
            curve: [RNASRankerTests.syntheticAccuracy(cell)])
    }

    private func gate(quantile: Double, audit: Double = 0) -> RNASGate {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 30
        return RNASGate(
            quantile: quantile, trainAfter: 40, retrainEvery: 10, auditFraction: audit, settings: settings, seed: 4)
    }

    func testVetoesBelowTheQuantileOfTheTrainedScores_recordsScores_andAuditsByTheCandidate() throws {
        var generator = SeededGenerator(seed: 11)
        let space = try NASBench201Space()
        var cells: [NASBench201Cell] = []
        while cells.count < 80 {
            if case .nb201(let cell) = try space.sampleNetwork(using: &generator) { cells.append(cell) }
        }
        let gate = gate(quantile: 0.5)
        let model = try XCTUnwrap(
            try gate.fit(cells.prefix(40).map { example($0) }, version: 1) as? RNASGateModel)
        XCTAssertEqual(model.trainedScores.count, 40)
        let median = model.threshold(quantile: 0.5)
        var vetoes = 0
        for (index, cell) in cells.dropFirst(40).enumerated() {
            let candidate = Candidate(proposalID: index, network: .nb201(cell), hyperparameters: [:], budget: 12)
            let score = try model.score(candidate.network)
            switch gate.evaluate(candidate, model: model) {
            case .veto(let predicted, _):
                vetoes += 1
                XCTAssertEqual(predicted, score)
                XCTAssertLessThan(predicted, median)
            case .admit(let predicted, _):
                XCTAssertEqual(predicted, score)
                XCTAssertGreaterThanOrEqual(score, median)
            case .audit:
                XCTFail("no audits with audit_fraction 0")
            }
            // With every would-be veto audited, a veto becomes an audit, decided by the candidate alone.
            if score < median {
                XCTAssertEqual(
                    self.gate(quantile: 0.5, audit: 1).evaluate(candidate, model: model), .audit(predicted: score))
            }
        }
        XCTAssertGreaterThan(vetoes, 5, "a median threshold vetoes a good share of fresh cells")
        XCTAssertLessThan(vetoes, 35)
        // The stored bytes give the same model and the same decisions.
        let decoded = try XCTUnwrap(try gate.decodeModel(try model.encoded()) as? RNASGateModel)
        XCTAssertEqual(decoded, model)
        XCTAssertEqual(gate.schedule, ModelSchedule(burnIn: 40, cadence: 10))
    }

    func testWithoutAModel_admitsWithoutAPrediction() throws {
        let candidate = Candidate(
            proposalID: 1, network: .nb201(try NASBench201Cell(operations: Array(repeating: .skipConnect, count: 6))),
            hyperparameters: [:], budget: 12)
        XCTAssertEqual(gate(quantile: 0.5).evaluate(candidate, model: nil), .admit())
    }

    func testTransferredModel_judgesBeforeAnythingIsTrained_thenTheRunsFitsFineTuneIt() throws {
        let file = try RNASModelFileTests.trainedFile()
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 2
        let gate = RNASGate(
            quantile: 0.5, trainAfter: 4, retrainEvery: 3, auditFraction: 0, settings: settings, seed: 4,
            transferred: file.gateModel)
        XCTAssertEqual(gate.schedule, ModelSchedule(burnIn: 0, cadence: 3), "version 1 is due at once")
        XCTAssertEqual(gate.settings, file.ranker.settings, "the file's settings")
        var generator = SeededGenerator(seed: 21)
        let space = try NASBench201Space()
        var cells: [NASBench201Cell] = []
        while cells.count < 40 {
            if case .nb201(let cell) = try space.sampleNetwork(using: &generator) { cells.append(cell) }
        }
        // Versions fit on fewer than train_after networks are the file's model.
        XCTAssertEqual(try gate.fit([], version: 1) as? RNASGateModel, file.gateModel)
        XCTAssertEqual(try gate.fit(cells.prefix(3).map { example($0) }, version: 2) as? RNASGateModel, file.gateModel)
        // Judged with no model installed: the file's ranker against the file's reference scores.
        var vetoes = 0
        for (index, cell) in cells.enumerated() {
            let candidate = Candidate(proposalID: index, network: .nb201(cell), hyperparameters: [:], budget: 12)
            let score = try file.gateModel.score(candidate.network)
            let decision = gate.evaluate(candidate, model: nil)
            XCTAssertEqual(decision, gate.evaluate(candidate, model: file.gateModel))
            if score < file.gateModel.threshold(quantile: 0.5) {
                vetoes += 1
                XCTAssertEqual(decision, .veto(predicted: score))
            } else {
                XCTAssertEqual(decision, .admit(predicted: score))
            }
        }
        XCTAssertGreaterThan(vetoes, 0)
        XCTAssertLessThan(vetoes, cells.count)
        // From train_after on, the fit fine-tunes the file's ranker (its scaling kept) on the run's
        // networks, whose scores are then the reference.
        let training = cells.prefix(8).map { example($0) }
        let tuned = try XCTUnwrap(try gate.fit(training, version: 3) as? RNASGateModel)
        XCTAssertEqual(tuned.ranker.scaling, file.ranker.scaling)
        XCTAssertNotEqual(tuned.ranker.state, file.ranker.state)
        XCTAssertEqual(tuned.trainedScores.count, 8)
        let fromScratch = try XCTUnwrap(
            try RNASGate(quantile: 0.5, trainAfter: 4, retrainEvery: 3, settings: file.ranker.settings, seed: 4)
                .fit(training, version: 3) as? RNASGateModel)
        XCTAssertNotEqual(fromScratch.ranker.state, tuned.ranker.state)
        XCTAssertEqual(try gate.fit(training, version: 3) as? RNASGateModel, tuned, "a refit gives the same model")
    }

    /// A run's sequential networks are encoded at the run's input (it sets the FLOPs and parameter
    /// channels): fitting, the trained networks' reference scores and every judgement use it (they
    /// all used CIFAR's 3×32×32 whatever the run's input).
    func testSequentialNetworks_areJudgedAtTheRunsInput() throws {
        let mnist = MetaQNNSpace.Configuration.mnist
        let space = try MetaQNNSpace(configuration: mnist)
        var generator = SeededGenerator(seed: 5)
        let networks = try (0..<60).map { _ in try space.sampleNetwork(using: &generator) }
        let examples = networks.prefix(40).enumerated().map { index, network in
            PredictorExample(
                candidate: Candidate(proposalID: index, network: network, hyperparameters: [:], budget: 12),
                curve: [0.2 + 0.01 * Double(index % 17)])
        }
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 5
        let gate = RNASGate(
            quantile: 0.5, trainAfter: 40, retrainEvery: 10, settings: settings, seed: 4, input: mnist.inputShape)
        let model = try XCTUnwrap(try gate.fit(examples, version: 1) as? RNASGateModel)
        XCTAssertEqual(
            model.trainedScores,
            try examples.map { try model.score($0.candidate.network, input: mnist.inputShape) }.sorted())
        var differ = 0
        for (index, network) in networks.dropFirst(40).enumerated() {
            let atInput = try model.score(network, input: mnist.inputShape)
            if try model.score(network, input: .cifar) != atInput { differ += 1 }
            let candidate = Candidate(proposalID: 100 + index, network: network, hyperparameters: [:], budget: 12)
            switch gate.evaluate(candidate, model: model) {
            case .admit(let predicted, _): XCTAssertEqual(predicted, atInput)
            case .veto(let predicted, _), .audit(let predicted, _): XCTAssertEqual(predicted, atInput)
            }
        }
        XCTAssertGreaterThan(differ, 10, "the input changes the tensors, so the scores")
    }
}
