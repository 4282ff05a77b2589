import Foundation
import NASCore
import NASTestSupport
import XCTest

/// `nasd replay --early-stop srm` on curves made with the surrogate benchmark (issue 8 §5).
final class ReplayEarlyStopCommandTests: EndToEndTestCase {
    private struct Report: Decodable, Equatable {
        var speedup: Double
        var bestKept: Int
        var orderings: Int
        var epochsUsed: Double
        var epochsFull: Int
        var stopped: Double

        enum CodingKeys: String, CodingKey {
            case speedup, orderings, stopped
            case bestKept = "best_kept"
            case epochsUsed = "epochs_used"
            case epochsFull = "epochs_full"
        }
    }

    private func replay(_ extra: [String], data: URL) async throws -> Report {
        let outcome = try await NASDCommand.run(
            [
                "replay", "--data", data.path, "--early-stop", "srm", "--orderings", "2", "--seed", "5",
                "--search-count", "3", "--json",
            ] + extra,
            timeout: 240)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        return try outcome.decodeOutput(Report.self)
    }

    func testReplay_reportsTheSpeedupAndTheBestKept_andAWarmStartStopsSooner() async throws {
        let directory = try makeTemporaryDirectory()
        let records = try SurrogateCurves.records(count: 52, budget: 8, seed: 12)
        let data = try write(try CurvesFile.format(Array(records.prefix(40))), to: "curves.jsonl", in: directory)
        let warm = try write(try CurvesFile.format(Array(records.suffix(12))), to: "warm.jsonl", in: directory)

        let cold = try await replay(["--confidence", "0.95", "--burn-in", "12"], data: data)
        XCTAssertEqual(cold.orderings, 2)
        XCTAssertEqual(cold.epochsFull, 40 * 8)
        XCTAssertGreaterThan(cold.stopped, 0, "\(cold)")
        XCTAssertEqual(cold.speedup, Double(cold.epochsFull) / cold.epochsUsed, accuracy: 1e-9)
        XCTAssertGreaterThan(cold.speedup, 1.1, "\(cold)")
        // 12 burn-in rows train fully, a stopped one costs at least min_epochs (a quarter of 8).
        XCTAssertGreaterThanOrEqual(cold.epochsUsed, 12 * 8 + cold.stopped * 2)
        XCTAssertEqual(cold.bestKept, 2, "\(cold)")
        let orderingsFile = directory.appendingPathComponent("orderings.json")
        let again = try await replay(
            ["--confidence", "0.95", "--burn-in", "12", "--orderings-out", orderingsFile.path], data: data)
        XCTAssertEqual(again, cold, "the replay is a function of its seed")

        // --orderings-out: each ordering's rows (1-based lines, a permutation) and its outcome.
        struct Orderings: Decodable {
            struct Entry: Decodable {
                var rows: [Int]
                var epochsUsed: Int
                var stopped: Int
                var bestKept: Bool

                enum CodingKeys: String, CodingKey {
                    case rows, stopped
                    case epochsUsed = "epochs_used"
                    case bestKept = "best_kept"
                }
            }
            var orderings: [Entry]
        }
        let written = try JSONDecoder().decode(Orderings.self, from: Data(contentsOf: orderingsFile))
        XCTAssertEqual(written.orderings.count, 2)
        for entry in written.orderings {
            XCTAssertEqual(entry.rows.sorted(), Array(1...40))
        }
        XCTAssertNotEqual(written.orderings[0].rows, written.orderings[1].rows, "two seeded orders")
        XCTAssertEqual(Double(written.orderings.map(\.epochsUsed).reduce(0, +)) / 2, cold.epochsUsed, accuracy: 1e-9)
        XCTAssertEqual(Double(written.orderings.map(\.stopped).reduce(0, +)) / 2, cold.stopped, accuracy: 1e-9)
        XCTAssertEqual(written.orderings.filter(\.bestKept).count, cold.bestKept)

        // The warm start's 12 curves are the whole burn-in: stopping starts at the run's first final.
        let warmed = try await replay(
            ["--confidence", "0.95", "--burn-in", "12", "--warm-start", warm.path], data: data)
        XCTAssertGreaterThan(warmed.stopped, cold.stopped, "\(warmed) vs \(cold)")
        XCTAssertLessThan(warmed.epochsUsed, cold.epochsUsed)

        let refused = try await NASDCommand.run(
            ["replay", "--data", data.path, "--early-stop", "srm", "--confidence", "1.5"], timeout: 30)
        XCTAssertEqual(refused.exitCode, 64, "\(refused)")
        XCTAssertTrue(refused.errorText.contains("--confidence"), refused.errorText)
    }
}
