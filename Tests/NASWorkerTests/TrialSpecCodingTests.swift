import Foundation
import NASCore
import XCTest

final class TrialSpecCodingTests: XCTestCase {
    private let spec = TrialSpec(
        trialID: "t-17", runName: "demo",
        architecture: Architecture(layers: [
            .convolution(filters: 64, kernel: 3, stride: 1), .maxPool(kernel: 2, stride: 2),
            .dropout(index: 1, count: 2),
            .softmax(classes: 10),
        ]),
        hyperparameters: ["learning_rate": 0.01, "weight_decay": 0.0001], seed: 18_446_744_073_709_551_615,
        epochBudget: 20, startEpoch: 4, checkpointDirectory: "/runs/demo/checkpoints/t-17",
        input: TensorShape(channels: 1, height: 28, width: 28))

    private func object(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testEncode_writesTheDocumentedKeys_withTheArchitectureAsNotationAndLayers() throws {
        let json = try object(JSONEncoder().encode(spec))
        XCTAssertEqual(
            Set(json.keys),
            ["trial_id", "run", "arch", "layers", "hyper", "seed", "budget", "start_epoch", "checkpoint_dir", "input"])
        XCTAssertEqual(json["arch"] as? String, "[C(64,3,1), P(2,2), D(1,2), SM(10)]")
        XCTAssertEqual((json["layers"] as? [Any])?.count, 4)
        XCTAssertEqual(json["budget"] as? Int, 20)
        XCTAssertEqual(json["start_epoch"] as? Int, 4)
        XCTAssertEqual(json["input"] as? [Int], [1, 28, 28])
    }

    func testCoding_roundTrips_includingAFullWidthSeed() throws {
        let decoded = try JSONDecoder().decode(TrialSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(decoded, spec)
    }

    func testDecode_fromNotationAlone_appliesDefaults() throws {
        let json = #"{"trial_id":"a","run":"r","arch":"[C(64,3,1), SM(10)]","seed":3,"budget":5,"checkpoint_dir":"/c"}"#
        let decoded = try JSONDecoder().decode(TrialSpec.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.architecture?.notation, "[C(64,3,1), SM(10)]")
        XCTAssertEqual(decoded.startEpoch, 0)
        XCTAssertEqual(decoded.hyperparameters, [:])
        XCTAssertEqual(decoded.input, .cifar)
    }

    func testDecode_fromLayersAlone() throws {
        let json = """
            {"trial_id":"a","run":"r","layers":[{"type":"conv","filters":64,"kernel":3,"stride":1},\
            {"type":"softmax","classes":10}],"seed":3,"budget":5,"checkpoint_dir":"/c"}
            """
        let decoded = try JSONDecoder().decode(TrialSpec.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.architecture?.notation, "[C(64,3,1), SM(10)]")
    }

    func testDecode_rejectsDisagreeingNotationAndLayers_andMissingArchitecture() {
        let disagreeing = """
            {"trial_id":"a","run":"r","arch":"[C(128,3,1), SM(10)]","layers":[{"type":"conv","filters":64,"kernel":3,\
            "stride":1},{"type":"softmax","classes":10}],"seed":3,"budget":5,"checkpoint_dir":"/c"}
            """
        XCTAssertThrowsError(try JSONDecoder().decode(TrialSpec.self, from: Data(disagreeing.utf8)))
        let missing = #"{"trial_id":"a","run":"r","seed":3,"budget":5,"checkpoint_dir":"/c"}"#
        XCTAssertThrowsError(try JSONDecoder().decode(TrialSpec.self, from: Data(missing.utf8)))
        let badNotation = #"{"trial_id":"a","run":"r","arch":"[C(64", "seed":3,"budget":5,"checkpoint_dir":"/c"}"#
        XCTAssertThrowsError(try JSONDecoder().decode(TrialSpec.self, from: Data(badNotation.utf8)))
    }

    func testCellSpec_writesArchAndCell_andRoundTrips() throws {
        let cell = try Cell(notation: "input,conv3x3-bn-relu,maxpool3x3,output;0>1,0>2,1>3,2>3")
        var cellSpec = spec
        cellSpec.network = .cell(cell)
        let json = try object(JSONEncoder().encode(cellSpec))
        XCTAssertEqual(
            Set(json.keys),
            ["trial_id", "run", "arch", "cell", "hyper", "seed", "budget", "start_epoch", "checkpoint_dir", "input"])
        XCTAssertEqual(json["arch"] as? String, cell.notation)
        let cellObject = try XCTUnwrap(json["cell"] as? [String: Any])
        XCTAssertEqual(cellObject["ops"] as? [String], ["input", "conv3x3-bn-relu", "maxpool3x3", "output"])
        XCTAssertEqual(cellObject["adjacency"] as? [[Int]], cell.matrix)
        XCTAssertNil(cellSpec.architecture)
        XCTAssertEqual(try JSONDecoder().decode(TrialSpec.self, from: JSONEncoder().encode(cellSpec)), cellSpec)
    }

    func testCellSpec_decodesFromCellAlone_andFromArchAlone_andRejectsDisagreement() throws {
        let fromCell = """
            {"trial_id":"a","run":"r","cell":{"ops":["input","conv1x1-bn-relu","output"],            "adjacency":[[0,1,0],[0,0,1],[0,0,0]]},"seed":3,"budget":5,"checkpoint_dir":"/c"}
            """
        let decoded = try JSONDecoder().decode(TrialSpec.self, from: Data(fromCell.utf8))
        XCTAssertEqual(decoded.network.notation, "input,conv1x1-bn-relu,output;0>1,1>2")
        let fromArch = """
            {"trial_id":"a","run":"r","arch":"input,conv1x1-bn-relu,output;0>1,1>2","seed":3,"budget":5,            "checkpoint_dir":"/c"}
            """
        XCTAssertEqual(try JSONDecoder().decode(TrialSpec.self, from: Data(fromArch.utf8)).network, decoded.network)
        let disagreeing = """
            {"trial_id":"a","run":"r","arch":"input,conv3x3-bn-relu,output;0>1,1>2","cell":{"ops":["input",            "conv1x1-bn-relu","output"],"adjacency":[[0,1,0],[0,0,1],[0,0,0]]},"seed":3,"budget":5,"checkpoint_dir":"/c"}
            """
        XCTAssertThrowsError(try JSONDecoder().decode(TrialSpec.self, from: Data(disagreeing.utf8)))
        let both = """
            {"trial_id":"a","run":"r","layers":[{"type":"softmax","classes":10}],"cell":{"ops":["input","output"],            "adjacency":[[0,1],[0,0]]},"seed":3,"budget":5,"checkpoint_dir":"/c"}
            """
        XCTAssertThrowsError(try JSONDecoder().decode(TrialSpec.self, from: Data(both.utf8)))
    }

    func testSequentialSpecJSON_isUnchangedByTheNetworkModel() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(spec), as: UTF8.self)
        XCTAssertEqual(
            json,
            #"{"arch":"[C(64,3,1), P(2,2), D(1,2), SM(10)]","budget":20,"#
                + #""checkpoint_dir":"\/runs\/demo\/checkpoints\/t-17","hyper":{"learning_rate":0.01,"#
                + #""weight_decay":0.0001},"input":[1,28,28],"layers":[{"filters":64,"kernel":3,"stride":1,"#
                + #""type":"conv"},{"kernel":2,"stride":2,"type":"maxpool"},{"count":2,"index":1,"type":"dropout"},"#
                + #"{"classes":10,"type":"softmax"}],"run":"demo","seed":18446744073709551615,"start_epoch":4,"#
                + #""trial_id":"t-17"}"#)
    }

    func testEpochRecord_flattensMetrics_andRoundTrips() throws {
        let record = EpochRecord(epoch: 3, validationAccuracy: 0.71, metrics: ["train_loss": 0.52])
        let json = try object(JSONEncoder().encode(record))
        XCTAssertEqual(json["epoch"] as? Int, 3)
        XCTAssertEqual(json["val_acc"] as? Double, 0.71)
        XCTAssertEqual(json["train_loss"] as? Double, 0.52)
        XCTAssertEqual(try JSONDecoder().decode(EpochRecord.self, from: JSONEncoder().encode(record)), record)
    }

    func testRemainingEpochs_coverStartPlusOneThroughTheBudget() {
        XCTAssertEqual(spec.remainingEpochs, 5...20)
        var done = spec
        done.startEpoch = 20
        XCTAssertNil(done.remainingEpochs)
    }
}
