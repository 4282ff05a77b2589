import Foundation
import NASCore
import NASTestSupport
import XCTest

/// `nasd replay --strategy hyperband,f-hyperband` on curves made with the surrogate benchmark
/// (issue 8 §5).
final class ReplayHyperbandCommandTests: EndToEndTestCase {
    private struct Report: Decodable, Equatable {
        struct Result: Decodable, Equatable {
            var bestFinal: Double?
            var epochsUsed: Double
            var stopped: Double

            enum CodingKeys: String, CodingKey {
                case stopped
                case bestFinal = "best_final"
                case epochsUsed = "epochs_used"
            }
        }

        var results: [String: Result]
        var epochsRatio: Double?
        var bestReached: Int?
        var orderings: Int

        enum CodingKeys: String, CodingKey {
            case results, orderings
            case epochsRatio = "epochs_ratio"
            case bestReached = "best_reached"
        }
    }

    private func replay(_ extra: [String], data: URL) async throws -> Report {
        let outcome = try await NASDCommand.run(
            [
                "replay", "--data", data.path, "--max-resource", "9", "--eta", "3", "--orderings", "2", "--seed", "3",
                "--search-count", "3", "--json",
            ] + extra,
            timeout: 240)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        return try outcome.decodeOutput(Report.self)
    }

    func testReplay_reportsBestAndEpochsPerStrategy_andTheirRatio() async throws {
        let directory = try makeTemporaryDirectory()
        let records = try SurrogateCurves.records(count: 60, budget: 9, seed: 21)
        let data = try write(try CurvesFile.format(records), to: "curves.jsonl", in: directory)
        let settings = ["--strategy", "hyperband,f-hyperband", "--confidence", "0.9", "--min-curves", "8"]

        let report = try await replay(settings + ["--iterations", "4"], data: data)
        XCTAssertEqual(report.orderings, 2)
        let plain = try XCTUnwrap(report.results["hyperband"])
        let fast = try XCTUnwrap(report.results["f-hyperband"])
        // R = 9, η = 3: 9@1 → 3@3 → 1@9, 5@3 → 1@9, 3@9 with continued training: 69 epochs per iteration.
        XCTAssertEqual(plain.epochsUsed, 4 * 69)
        XCTAssertEqual(plain.stopped, 0)
        XCTAssertGreaterThan(fast.stopped, 0, "\(report)")
        XCTAssertLessThan(fast.epochsUsed, plain.epochsUsed)
        XCTAssertEqual(try XCTUnwrap(report.epochsRatio), plain.epochsUsed / fast.epochsUsed, accuracy: 1e-9)
        XCTAssertTrue((0...2).contains(try XCTUnwrap(report.bestReached)))
        // The best is a value the data holds after 9 epochs.
        let finals = Set(records.map { $0.curve[8] })
        let best = try XCTUnwrap(plain.bestFinal)
        XCTAssertLessThanOrEqual(best, try XCTUnwrap(finals.max()) + 1e-9)
        XCTAssertGreaterThan(best, try XCTUnwrap(finals.min()), "the best of many draws beats the worst row")

        // The figures follow the data and settings: one iteration costs a quarter, and no f-hyperband
        // word means no comparison.
        let short = try await replay(["--strategy", "hyperband", "--iterations", "1"], data: data)
        XCTAssertEqual(short.results["hyperband"]?.epochsUsed, 69)
        XCTAssertNil(short.epochsRatio)
        XCTAssertNil(short.results["f-hyperband"])
        let again = try await replay(settings + ["--iterations", "4"], data: data)
        XCTAssertEqual(again, report, "the replay is a function of its seed")

        let refused = try await NASDCommand.run(
            ["replay", "--data", data.path, "--strategy", "hyperband,random"], timeout: 30)
        XCTAssertEqual(refused.exitCode, 64, "\(refused)")
        let tooLong = try await NASDCommand.run(
            ["replay", "--data", data.path, "--strategy", "hyperband", "--max-resource", "27"], timeout: 30)
        XCTAssertEqual(tooLong.exitCode, 64, "\(tooLong)")
        XCTAssertTrue(tooLong.errorText.contains("--max-resource"), tooLong.errorText)
    }

    /// Rows that record some epochs only (NAS-Bench-101's 4, 12, 36 and 108) cannot be served epoch by
    /// epoch: refused before any search, naming the row and the epochs it has.
    func testHyperbandReplay_ofRowsWithSparseEpochs_isRefused_namingTheEpochsTheyRecord() async throws {
        let directory = try makeTemporaryDirectory()
        let lines = (0..<4).map { index in
            #"{"arch":"[C(\#(16 << index),3,1), SM(10)]","curve":[0.3,0.5,0.6,0.7],"epochs":[4,12,36,108]}"#
        }
        let data = try write(lines.joined(separator: "\n") + "\n", to: "sparse.jsonl", in: directory)
        let outcome = try await NASDCommand.run(
            ["replay", "--data", data.path, "--space", "metaqnn", "--strategy", "hyperband"], timeout: 30)
        XCTAssertEqual(outcome.exitCode, 2, "\(outcome)")
        XCTAssertTrue(
            outcome.errorText.contains("records epochs 4, 12, 36, 108, not every epoch 1…108"), outcome.errorText)
    }
}
