import Foundation
import NASCore
import NASTestSupport
import XCTest

/// `nasd predict train --predictor rnas` through the built binary: the versioned model file, the
/// same bytes for the same data and seed (whatever the thread count), and a mixed curves file refused.
final class RNASTrainCommandTests: EndToEndTestCase {
    /// NAS-Bench-201 rows (distinct cells spread over the 5⁶ of the space) whose accuracy grows
    /// with the cell's 3×3 convolutions.
    private static func rows(_ count: Int) -> String {
        let names = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
        return (0..<count).map { row in
            var code = (row * 7_919 + 101) % 15_625
            var operations: [String] = []
            for _ in 0..<6 {
                operations.append(names[code % 5])
                code /= 5
            }
            let o = operations
            let cell = "|\(o[0])~0|+|\(o[1])~0|\(o[2])~1|+|\(o[3])~0|\(o[4])~1|\(o[5])~2|"
            let accuracy = 0.5 + 0.05 * Double(o.filter { $0 == "nor_conv_3x3" }.count) + 0.001 * Double(row % 7)
            return #"{"arch": "\#(cell)", "curve": [\#(accuracy)], "epochs": [12], "budget": 12, "#
                + #""complete": true, "input": [3, 32, 32], "id": "r\#(row)"}"#
        }.joined(separator: "\n") + "\n"
    }

    private func train(_ data: URL, out: URL, extra: [String] = []) async throws -> CommandOutcome {
        try await NASDCommand.run(
            ["predict", "train", "--predictor", "rnas", "--data", data.path, "--out", out.path, "--epochs", "2"]
                + extra, timeout: 300)
    }

    func testTrain_writesTheVersionedFile_andTheSameSeedGivesTheSameBytes() async throws {
        let directory = try makeTemporaryDirectory()
        let curves = try write(Self.rows(24), to: "nb201.jsonl", in: directory)
        let first = directory.appendingPathComponent("a.json")
        let outcome = try await train(curves, out: first, extra: ["--seed", "5"])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertEqual(
            outcome.standardOutput, ["trained RNAS on 24 networks (NAS-Bench-201 cells); wrote \(first.path)"])
        let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: first)) as? [String: Any])
        XCTAssertEqual(file["format"] as? String, "nasd.rnas")
        XCTAssertEqual(file["formatVersion"] as? Int, 1)
        XCTAssertEqual(file["networks"] as? String, "nb201")
        XCTAssertEqual(file["seed"] as? Int, 5)
        XCTAssertEqual((file["trainedScores"] as? [Double])?.count, 24)

        let again = directory.appendingPathComponent("b.json")
        let repeated = try await train(curves, out: again, extra: ["--seed", "5", "--threads", "2"])
        XCTAssertEqual(repeated.exitCode, 0, "\(repeated)")
        XCTAssertEqual(try Data(contentsOf: again), try Data(contentsOf: first), "same data and seed, same bytes")
        let other = directory.appendingPathComponent("c.json")
        let reseeded = try await train(curves, out: other, extra: ["--seed", "6"])
        XCTAssertEqual(reseeded.exitCode, 0, "\(reseeded)")
        XCTAssertNotEqual(try Data(contentsOf: other), try Data(contentsOf: first))
    }

    func testEnsemble_writesKMembers_andTheSameBytesWhateverTheThreads() async throws {
        let directory = try makeTemporaryDirectory()
        let curves = try write(Self.rows(24), to: "nb201.jsonl", in: directory)
        let first = directory.appendingPathComponent("e.json")
        let outcome = try await train(curves, out: first, extra: ["--seed", "5", "--ensemble", "3"])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: first)) as? [String: Any])
        let ranker = try XCTUnwrap(file["ranker"] as? [String: Any])
        XCTAssertEqual((ranker["settings"] as? [String: Any])?["ensembleSize"] as? Int, 3)
        XCTAssertEqual((ranker["additionalStates"] as? [Any])?.count, 2, "two members beside the first")
        XCTAssertEqual((ranker["standardizations"] as? [Any])?.count, 3)
        let again = directory.appendingPathComponent("f.json")
        let repeated = try await train(curves, out: again, extra: ["--seed", "5", "--ensemble", "3", "--threads", "2"])
        XCTAssertEqual(repeated.exitCode, 0, "\(repeated)")
        XCTAssertEqual(try Data(contentsOf: again), try Data(contentsOf: first))
        let refused = try await train(curves, out: again, extra: ["--ensemble", "0"])
        XCTAssertEqual(refused.exitCode, 64, "\(refused)")
    }

    func testMixedKindsOfNetwork_areRefused_namingTheRow_andNoFileIsWritten() async throws {
        let directory = try makeTemporaryDirectory()
        let text =
            Self.rows(3)
            + #"{"arch": "[C(32,3,1), SM(10)]", "curve": [0.5], "epochs": [12], "budget": 12, "complete": true}"#
            + "\n"
        let curves = try write(text, to: "mixed.jsonl", in: directory)
        let out = directory.appendingPathComponent("m.json")
        let outcome = try await train(curves, out: out)
        XCTAssertEqual(outcome.exitCode, 2, "\(outcome)")
        let message = outcome.standardError.joined(separator: "\n")
        XCTAssertTrue(message.contains("\(curves.path): row 4: its network is one of sequential networks"), message)
        XCTAssertTrue(message.contains("an RNAS model ranks one kind of network"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
