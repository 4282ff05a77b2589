import Foundation
import NASCore
import NASNumerics
import XCTest

@testable import NASSearch

/// The RNAS model file (`nasd.rnas` version 1): trained from curves rows, read back exactly,
/// deterministic, and refused with its reason when it is another format or version, corrupt, or of
/// another kind of network.
final class RNASModelFileTests: XCTestCase {
    /// NAS-Bench-201 curves rows with the synthetic accuracy of `RNASRankerTests` as the final value.
    static func nb201Rows(_ count: Int, seed: UInt64) throws -> String {
        var generator = SeededGenerator(seed: seed)
        let space = try NASBench201Space()
        var lines: [String] = []
        while lines.count < count {
            guard case .nb201(let cell) = try space.sampleNetwork(using: &generator) else { continue }
            let accuracy = RNASRankerTests.syntheticAccuracy(cell)
            lines.append(
                #"{"arch": "\#(cell.notation)", "curve": [\#(accuracy)], "epochs": [12], "budget": 12, "#
                    + #""complete": true, "input": [3, 32, 32]}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static var settings: RNASSettings {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 4
        return settings
    }

    static func trainedFile(seed: UInt64 = 3, parallelism: Parallelism = .serial) throws -> RNASModelFile {
        let records = try CurvesFile.parse(Data(try nb201Rows(30, seed: 8).utf8))
        return try PredictorEvaluation.trainRNASModelFile(
            records: records, settings: settings, seed: seed, parallelism: parallelism
        ).file
    }

    func testTrainedFile_roundTripsThroughItsBytes_andTheSameSeedGivesTheSameBytes() throws {
        let file = try Self.trainedFile()
        XCTAssertEqual(file.format, "nasd.rnas")
        XCTAssertEqual(file.formatVersion, 1)
        XCTAssertEqual(file.networks, .nb201)
        XCTAssertEqual(file.ranker.inputShape, [31, 4, 4])
        XCTAssertEqual(file.trainedScores.count, 30)
        XCTAssertEqual(file.trainedScores, file.trainedScores.sorted())
        let bytes = try file.encoded()
        XCTAssertEqual(try RNASModelFile(data: bytes), file)
        XCTAssertEqual(try RNASModelFile(data: bytes).encoded(), bytes)
        XCTAssertEqual(try Self.trainedFile().encoded(), bytes, "same rows and seed, same bytes")
        XCTAssertEqual(try Self.trainedFile(parallelism: Parallelism(threadCount: 2)).encoded(), bytes)
        XCTAssertNotEqual(try Self.trainedFile(seed: 4).encoded(), bytes, "the seed matters")
        // The file's trained scores are the ranker's scores of its own training networks.
        let records = try CurvesFile.parse(Data(try Self.nb201Rows(30, seed: 8).utf8))
        let tensors = try PredictorEvaluation.rnasRows(records).map(\.tensor)
        XCTAssertEqual(try file.ranker.makeScorer().scores(tensors).sorted(), file.trainedScores)
    }

    private func assertUnreadable(
        _ mutate: (inout [String: Any]) -> Void, containing fragment: String, line: UInt = #line
    ) throws {
        var object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: try Self.trainedFile().encoded()) as? [String: Any])
        mutate(&object)
        let bytes = try JSONSerialization.data(withJSONObject: object)
        XCTAssertThrowsError(try RNASModelFile(data: bytes), line: line) { error in
            guard case .unreadableModel(let message) = error as? RNASError else {
                return XCTFail("\(error)", line: line)
            }
            XCTAssertTrue(message.contains(fragment), message, line: line)
        }
    }

    func testAnotherFormat_anotherVersion_orPartsThatDoNotFit_areRefusedWithTheirReason() throws {
        try assertUnreadable(
            { $0["format"] = "nasd.peephole" }, containing: "format is 'nasd.peephole', expected 'nasd.rnas'")
        try assertUnreadable({ $0["format"] = nil }, containing: "no format, expected 'nasd.rnas'")
        try assertUnreadable({ $0["formatVersion"] = 2 }, containing: "format version 2; this build reads 1")
        try assertUnreadable({ $0["networks"] = "cell" }, containing: "the ranker takes tensors of shape [31, 4, 4]")
        try assertUnreadable({ $0["networks"] = "resnet" }, containing: "resnet")
        try assertUnreadable({ $0["trainedScores"] = nil }, containing: "trainedScores")
        try assertUnreadable(
            { object in
                var ranker = object["ranker"] as? [String: Any] ?? [:]
                var scaling = ranker["scaling"] as? [String: Any] ?? [:]
                scaling["logRanges"] = (scaling["logRanges"] as? [Any] ?? []).dropLast().map { $0 }
                ranker["scaling"] = scaling
                object["ranker"] = ranker
            }, containing: "count channels")
        try assertUnreadable(
            { object in
                var ranker = object["ranker"] as? [String: Any] ?? [:]
                var settings = ranker["settings"] as? [String: Any] ?? [:]
                settings["hiddenUnits"] = [16, 9]
                ranker["settings"] = settings
                object["ranker"] = ranker
            }, containing: "state")
        for bytes in [
            Data(), Data([0xFF, 0x00, 0x13]), Data("{\"format\": \"nasd.rnas\", \"formatVersion\": 1, ".utf8),
        ] {
            XCTAssertThrowsError(try RNASModelFile(data: bytes)) { error in
                guard case .unreadableModel = error as? RNASError else { return XCTFail("\(error)") }
            }
        }
    }

    func testAModel_judgesOnlyItsOwnKindOfNetwork() throws {
        let file = try Self.trainedFile()
        XCTAssertNoThrow(try file.check(judging: .nb201))
        XCTAssertThrowsError(try file.check(judging: .cell)) { error in
            XCTAssertEqual(error as? RNASError, .networkKindMismatch(model: .nb201, needed: .cell))
            XCTAssertTrue("\(error)".contains("NAS-Bench-201 cells (nb201)"), "\(error)")
        }
        for kind in RNASNetworkKind.allCases {
            XCTAssertEqual(kind.tensorShape, try RNASFeatureTensor.encode(Self.network(of: kind)).shape)
        }
    }

    static func network(of kind: RNASNetworkKind) throws -> Network {
        switch kind {
        case .nb201:
            return try Network(notation: "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|none~0|none~1|nor_conv_1x1~2|")
        case .sequential: return try Network(notation: "[C(32,3,1), P(2,2), SM(10)]")
        case .cell: return try Network(notation: "input,conv3x3-bn-relu,output;0>1,1>2")
        }
    }

    func testTrainingRows_ofMixedKinds_areRefusedAtTheFirstRowOfAnotherKind() throws {
        let text =
            try Self.nb201Rows(3, seed: 1)
            + #"{"arch": "[C(32,3,1), SM(10)]", "curve": [0.5], "epochs": [12], "budget": 12, "complete": true, "id": "seq"}"#
            + "\n"
        let records = try CurvesFile.parse(Data(text.utf8))
        XCTAssertThrowsError(
            try PredictorEvaluation.trainRNASModelFile(records: records, settings: Self.settings, seed: 0)
        ) { error in
            guard case .unusableRow(let row, let id, let reason) = error as? PredictorEvaluationError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(row, 4)
            XCTAssertEqual(id, "seq")
            XCTAssertTrue(reason.contains("sequential networks, row 1's one of NAS-Bench-201 cells"), reason)
        }
        XCTAssertThrowsError(
            try PredictorEvaluation.trainRNASModelFile(
                records: Array(records.prefix(1)), settings: Self.settings, seed: 0))
    }

    func testFineTuning_startsFromTheModel_andKeepsItsScaling() throws {
        let file = try Self.trainedFile()
        var generator = SeededGenerator(seed: 77)
        let space = try NASBench201Space()
        var cells: [NASBench201Cell] = []
        // Cells without 3×3 convolutions or pooling: a scaling fitted on them differs from the file's.
        let few: Set<NASBench201Operation> = [.none, .skipConnect, .convolution1x1]
        while cells.count < 6 {
            if case .nb201(let cell) = try space.sampleNetwork(using: &generator), few.isSuperset(of: cell.operations) {
                cells.append(cell)
            }
        }
        let inputs = cells.map(RNASFeatureTensor.nasBench201)
        let targets = cells.map(RNASRankerTests.syntheticAccuracy)
        var oneStep = file.ranker.settings
        oneStep.epochs = 1
        let tuned = try RNASRanker.fit(
            inputs: inputs, targets: targets, settings: oneStep, seed: 5, startingFrom: file.ranker)
        let scratch = try RNASRanker.fit(inputs: inputs, targets: targets, settings: oneStep, seed: 5)
        XCTAssertEqual(tuned.scaling, file.ranker.scaling, "the transferred weights keep their input scaling")
        XCTAssertNotEqual(scratch.scaling, file.ranker.scaling)
        XCTAssertNotEqual(tuned.state, file.ranker.state, "fine-tuning moves the weights")
        // One step from the file's weights stays near them: the file's ranking of fresh cells survives
        // far better than a one-epoch model from scratch reproduces it.
        let fresh = try (0..<20).compactMap { _ -> Tensor? in
            guard case .nb201(let cell) = try space.sampleNetwork(using: &generator) else { return nil }
            return RNASFeatureTensor.nasBench201(cell)
        }
        let reference = try file.ranker.makeScorer().scores(fresh)
        let tunedTau = try XCTUnwrap(try KendallTau.tauB(try tuned.makeScorer().scores(fresh), reference))
        let scratchTau = try XCTUnwrap(try KendallTau.tauB(try scratch.makeScorer().scores(fresh), reference))
        XCTAssertGreaterThan(tunedTau, scratchTau, "tuned τ \(tunedTau), scratch τ \(scratchTau)")
        XCTAssertThrowsError(
            try RNASRanker.fit(
                inputs: [Tensor(shape: [3, 34, 34]), Tensor(shape: [3, 34, 34])], targets: [0.1, 0.2],
                settings: oneStep, seed: 5, startingFrom: file.ranker)
        ) { error in
            XCTAssertEqual(error as? RNASError, .shapeMismatch(expected: [31, 4, 4], actual: [3, 34, 34]))
        }
    }

    func testEvolutionsPredictor_withATransferredRanker_fineTunesIt_withItsSettings() throws {
        let file = try Self.trainedFile()
        var other = RNASRankerTests.smallSettings
        other.hiddenUnits = [8]
        let predictor = RNASArchitecturePredictor(settings: other, seed: 9, transferred: file.ranker)
        XCTAssertEqual(predictor.settings, file.ranker.settings, "the file's settings rebuild its network")
        var generator = SeededGenerator(seed: 13)
        let space = try NASBench201Space()
        let examples = try (0..<5).map { index -> PredictorExample in
            let network = try space.sampleNetwork(using: &generator)
            return PredictorExample(
                candidate: Candidate(proposalID: index + 1, network: network, hyperparameters: [:], budget: 12),
                curve: [network.nb201Cell.map(RNASRankerTests.syntheticAccuracy) ?? 0])
        }
        let tuned = try XCTUnwrap(try predictor.fit(examples, version: 2) as? RNASModel)
        XCTAssertEqual(tuned.scaling, file.ranker.scaling)
        XCTAssertNotEqual(tuned.state, file.ranker.state)
        XCTAssertEqual(try predictor.fit(examples, version: 2) as? RNASModel, tuned, "a pure function of the version")
        let scratch = try XCTUnwrap(
            try RNASArchitecturePredictor(settings: file.ranker.settings, seed: 9).fit(examples, version: 2)
                as? RNASModel)
        XCTAssertNotEqual(scratch.state, tuned.state)
    }
}
