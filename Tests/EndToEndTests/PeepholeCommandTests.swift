import Foundation
import NASCore
import NASSearch
import NASTestSupport
import XCTest

/// `nasd convert metaqnn-replay`, `nasd predict eval --predictor peephole` and `nasd predict train`
/// through the built binary, on a small replay table (a debug build trains slowly: one pass).
final class PeepholeCommandTests: EndToEndTestCase {
    private static let table: String = {
        var lines = ["net,accuracy_best_val,epsilon"]
        let filters = [16, 32, 64, 128]
        for index in 0..<14 {
            let kernel = index % 3 * 2 + 1
            let net = "[C(\(filters[index % 4]),\(kernel),1), P(2,2), C(\(filters[(index / 4) % 4]),3,1), SM(10)]"
            lines.append("\"\(net)\",\(0.3 + 0.02 * Double(index)),1.0")
        }
        lines.append("\"[C(64,3,1), SM(10)]\",86.0,0.7")
        return lines.joined(separator: "\n") + "\n"
    }()

    func testConvert_thenEvaluate_thenTrain() async throws {
        let directory = try makeTemporaryDirectory()
        let csv = try write(Self.table, to: "replay.csv", in: directory)
        let curves = directory.appendingPathComponent("curves.jsonl")
        let converted = try await NASDCommand.run(
            ["convert", "metaqnn-replay", csv.path, "--out", curves.path], timeout: 60)
        XCTAssertEqual(converted.exitCode, 0, "\(converted)")
        let records = try CurvesFile.parse(try Data(contentsOf: curves))
        XCTAssertEqual(records.count, 14, "the row above 1 is dropped")
        XCTAssertEqual(records.first?.epochs, [20])

        let evaluated = try await NASDCommand.run(
            [
                "predict", "eval", "--predictor", "peephole", "--data", curves.path, "--train", "10", "--epochs", "1",
                "--minimum-steps", "0", "--seed", "3", "--json",
            ], timeout: 300)
        XCTAssertEqual(evaluated.exitCode, 0, "\(evaluated)")
        let report = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(evaluated.standardOutput.joined(separator: "\n").utf8))
                as? [String: Any])
        XCTAssertEqual(report["predictor"] as? String, "peephole")
        XCTAssertEqual(report["baseline"] as? String, "params")
        XCTAssertEqual(report["n_train"] as? Int, 10)
        XCTAssertEqual(report["n_test"] as? Int, 4)
        XCTAssertNotNil(report["baseline_kendall_tau"] as? Double)
        XCTAssertTrue(report["baseline_r2"] is NSNull)
        XCTAssertTrue(report["baseline_mse"] is NSNull)

        let model = directory.appendingPathComponent("model.json")
        let trained = try await NASDCommand.run(
            [
                "predict", "train", "--predictor", "peephole", "--data", curves.path, "--out", model.path, "--epochs",
                "1", "--batch-size", "4", "--minimum-steps", "5", "--averaged-fraction", "0.5",
            ],
            timeout: 300)
        XCTAssertEqual(trained.exitCode, 0, "\(trained)")
        let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        XCTAssertEqual(file["format"] as? String, "nasd.peephole")
        XCTAssertEqual(file["formatVersion"] as? Int, 2)
        let settings = try XCTUnwrap(file["settings"] as? [String: Any])
        XCTAssertEqual(settings["batchSize"] as? Int, 4)
        XCTAssertEqual(settings["minimumSteps"] as? Int, 5)
        XCTAssertEqual(settings["averagedFraction"] as? Double, 0.5)
        // Unless told otherwise the commands train with the offline recipe (batches of 16, a step
        // floor of 6,400); this run lifts the floor only.
        let offline = try await NASDCommand.run(
            [
                "predict", "train", "--predictor", "peephole", "--data", curves.path, "--out", model.path, "--epochs",
                "1", "--minimum-steps", "0",
            ],
            timeout: 300)
        XCTAssertEqual(offline.exitCode, 0, "\(offline)")
        let offlineFile = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        let offlineSettings = try XCTUnwrap(offlineFile["settings"] as? [String: Any])
        XCTAssertEqual(offlineSettings["batchSize"] as? Int, PeepholeSettings.offline.batchSize)
        XCTAssertEqual(PeepholeSettings.offline.batchSize, 16)
        XCTAssertEqual(PeepholeSettings.offline.minimumSteps, 6400)
        XCTAssertEqual(PeepholeSettings().minimumSteps, 0, "the daemon's own fits keep no floor")
        XCTAssertEqual(offlineSettings["minimumSteps"] as? Int, 0)
        let badFraction = try await NASDCommand.run(
            [
                "predict", "train", "--predictor", "peephole", "--data", curves.path, "--out", model.path,
                "--averaged-fraction", "1.5",
            ], timeout: 60)
        XCTAssertEqual(badFraction.exitCode, 64, "\(badFraction)")

        let refused = try await NASDCommand.run(
            ["convert", "metaqnn-replay", csv.path, "--unlearned", "sometimes"], timeout: 60)
        XCTAssertNotEqual(refused.exitCode, 0)
    }
}
