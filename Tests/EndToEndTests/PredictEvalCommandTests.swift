import Foundation
import NASCore
import NASTestSupport
import XCTest

/// `nasd predict eval` on a curves file made with the surrogate benchmark.
final class PredictEvalCommandTests: EndToEndTestCase {
    private struct Report: Decodable {
        var predictor: String
        var r2: Double?
        var mse: Double?
        var kendallTau: Double?
        var trainCount: Int
        var testCount: Int
        var baseline: String
        var baselineR2: Double?
        var baselineMSE: Double?
        var baselineKendallTau: Double?

        enum CodingKeys: String, CodingKey {
            case predictor, r2, mse, baseline
            case kendallTau = "kendall_tau"
            case trainCount = "n_train"
            case testCount = "n_test"
            case baselineR2 = "baseline_r2"
            case baselineMSE = "baseline_mse"
            case baselineKendallTau = "baseline_kendall_tau"
        }
    }

    func testPredictEval_reportsSRMBesideTheLastSeenBaseline() async throws {
        let directory = try makeTemporaryDirectory()
        let records = try SurrogateCurves.records(count: 40, budget: 6, seed: 4)
        let file = try write(try CurvesFile.format(records), to: "curves.jsonl", in: directory)
        let outcome = try await NASDCommand.run(
            [
                "predict", "eval", "--predictor", "srm", "--data", file.path, "--train", "24", "--observe", "0.5",
                "--seed", "7", "--search-count", "3", "--split-out",
                directory.appendingPathComponent("split.json").path,
                "--json",
            ], timeout: 120)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let report = try outcome.decodeOutput(Report.self)
        XCTAssertEqual(report.predictor, "srm")
        XCTAssertEqual(report.baseline, "last_seen")
        XCTAssertEqual(report.trainCount, 24)
        XCTAssertEqual(report.testCount, 16)
        let r2 = try XCTUnwrap(report.r2)
        let baseline = try XCTUnwrap(report.baselineR2)
        XCTAssertGreaterThan(r2, baseline, "\(outcome)")
        XCTAssertNotNil(report.kendallTau)
        XCTAssertNotNil(report.baselineKendallTau)
        let split = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("split.json")))
                as? [String: Any])
        let train = try XCTUnwrap(split["train"] as? [[String: Any]]).compactMap { $0["row"] as? Int }
        let test = try XCTUnwrap(split["test"] as? [[String: Any]]).compactMap { $0["row"] as? Int }
        XCTAssertEqual(train.count, 24)
        XCTAssertEqual(Set(train + test), Set(1...40), "every row is used once")
    }

    /// The recorded real curves (bench/data, made by bench/record_digits_curves.sh; part of the
    /// repository, so nothing to skip): at a quarter of the curve SRM must beat the last value seen,
    /// in R², as issue 8 §6 asks on real curves (its Kendall τ does not beat the last value's on these
    /// curves: docs/BENCHMARKS.md). A small search keeps the fit short; it runs the optimized build
    /// when `make test` names one (a debug build's fits are 10–100× slower); `make bench` measures
    /// the default search beside scikit-learn.
    func testPredictEval_onTheRecordedDigitsCurves_SRMBeatsTheLastSeenValueAtAQuarter() async throws {
        let data = TestEnvironment.packageRoot.appendingPathComponent("bench/data/digits-curves.jsonl")
        let outcome = try await NASDCommand.run(
            [
                "predict", "eval", "--predictor", "srm", "--data", data.path, "--train", "100", "--observe", "0.25",
                "--seed", "1", "--search-count", "4", "--json",
            ], timeout: 300, executable: TestEnvironment.optimizedNasdBinary?.path ?? NASDCommand.executable)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let report = try outcome.decodeOutput(Report.self)
        XCTAssertEqual(report.trainCount, 100)
        XCTAssertGreaterThanOrEqual(report.testCount, 200, "at least 300 complete recorded networks")
        let r2 = try XCTUnwrap(report.r2)
        let baseline = try XCTUnwrap(report.baselineR2)
        XCTAssertGreaterThan(r2, baseline + 0.1, "\(outcome)")
    }

    func testPredictEval_namesTheBadLine_andRejectsBadArguments() async throws {
        let directory = try makeTemporaryDirectory()
        let file = try write(
            "{\"arch\": \"[SM(10)]\", \"curve\": [0.1]}\n{\"curve\": 3}\n", to: "bad.jsonl", in: directory)
        let broken = try await NASDCommand.run(
            ["predict", "eval", "--data", file.path, "--train", "1", "--observe", "0.5"])
        XCTAssertEqual(broken.exitCode, 2, "\(broken)")
        XCTAssertTrue(broken.errorText.contains("\(file.path): line 2"), "\(broken)")
        let missing = try await NASDCommand.run(["predict", "eval", "--data", file.path, "--observe", "0.5"])
        XCTAssertEqual(missing.exitCode, 64, "\(missing)")
        let fraction = try await NASDCommand.run(
            ["predict", "eval", "--data", file.path, "--train", "1", "--observe", "1.5"])
        XCTAssertEqual(fraction.exitCode, 64, "\(fraction)")
        let predictor = try await NASDCommand.run(
            ["predict", "eval", "--predictor", "bnn", "--data", file.path, "--train", "1", "--observe", "0.5"])
        XCTAssertEqual(predictor.exitCode, 64, "\(predictor)")
        let sample = try await NASDCommand.run(
            ["predict", "eval", "--data", file.path, "--train", "1", "--observe", "0.5", "--search-sample", "3"])
        XCTAssertEqual(sample.exitCode, 64, "\(sample)")
        XCTAssertTrue(sample.errorText.contains("--search-sample"), "\(sample)")
    }
}
