import Foundation
import NASConfig
import NASCore
import NASTestSupport
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// `early_stopping: {kind: srm}` through the one configuration check: the pruner it builds, the
/// warm-start file read relative to the configuration, and the refusals, each located.
final class SRMPredictorSetupTests: XCTestCase {
    private static let base = """
        name: w
        seed: 2
        space: {kind: metaqnn}
        strategy: {kind: random}
        training: {epochs: 8}
        trainer: {builtin: surrogate}
        end: {max_trials: 10}

        """

    func testWarmStart_isReadRelativeToTheConfiguration_andCountsTowardTheBurnIn() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "warm")
        defer { try? FileManager.default.removeItem(at: directory) }
        var records = try SurrogateCurves.records(count: 7, budget: 8, seed: 1)
        records[6].isComplete = false
        try Data(try CurvesFile.format(records).utf8).write(to: directory.appendingPathComponent("warm.jsonl"))
        let file = directory.appendingPathComponent("w.yaml").path
        let text = Self.base + "early_stopping: {kind: srm, burn_in: 20, margin: 0.01, warm_start: warm.jsonl}\n"
        let configuration = try RunConfigurationCheck().check(text: text, file: file)
        XCTAssertEqual(configuration.earlyStopping?.warmStart, "warm.jsonl", "the run keeps the path as written")
        let resolved = SearchSetup.resolvingPaths(of: configuration, base: directory)
        let pruner = try XCTUnwrap(try SearchSetup.makePredictors(for: resolved).pruner as? SRMPruner)
        XCTAssertEqual(pruner.warmStart.count, 6, "the complete rows only")
        XCTAssertEqual(pruner.schedule, ModelSchedule(burnIn: 14, cadence: 10))
        XCTAssertEqual(pruner.rule, EarlyStoppingRule(confidence: 0.99, margin: 0.01))
        XCTAssertEqual(pruner.minimumEpochs, 2)
        XCTAssertEqual(pruner.seed, 2)
    }

    func testAMissingWarmStartFile_isRefusedWhereItIsWritten() throws {
        let missing = Self.base + "early_stopping: {kind: srm, warm_start: /nonexistent/curves.jsonl}\n"
        XCTAssertThrowsError(try RunConfigurationCheck().check(text: missing, file: "/tmp/w.yaml")) { error in
            let headline = (error as? ConfigError)?.headline ?? "\(error)"
            XCTAssertTrue(headline.hasPrefix("/tmp/w.yaml:8:"), headline)
            XCTAssertTrue(
                headline.contains("early_stopping.warm_start: cannot read /nonexistent/curves.jsonl"), headline)
        }
    }

    /// Hyperband with `early_stopping:` is f-Hyperband: its pruner, with κ, d, Δ, δ from the section
    /// and `min_epochs` 1 by default.
    func testHyperbandWithEarlyStopping_buildsFHyperbandsPruner() throws {
        let text =
            Self.base.replacingOccurrences(of: "{kind: random}", with: "{kind: hyperband, max_resource: 8}")
            + "early_stopping: {kind: srm, confidence: 0.95, margin: 0.01, kappa: 0.5, min_curves: 20}\n"
        let configuration = try RunConfigurationCheck().check(text: text, file: "w.yaml")
        let pruner = try XCTUnwrap(try SearchSetup.makePredictors(for: configuration).pruner as? FastHyperbandPruner)
        XCTAssertEqual(
            pruner.rule, FastHyperbandRule(confidence: 0.95, margin: 0.01, kappa: 0.5, minimumCurves: 20))
        XCTAssertEqual(pruner.minimumEpochs, 1)
        XCTAssertEqual(pruner.schedule, ModelSchedule(burnIn: 20, cadence: 5))
        XCTAssertEqual(pruner.seed, 2)
        let defaults = try RunConfigurationCheck().check(
            text: text.replacingOccurrences(of: ", kappa: 0.5, min_curves: 20", with: ""), file: "w.yaml")
        XCTAssertEqual(defaults.earlyStopping?.kappa, 1)
        XCTAssertEqual(defaults.earlyStopping?.minCurves, 100)
    }
}
