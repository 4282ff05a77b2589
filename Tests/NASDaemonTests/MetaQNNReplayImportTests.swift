import Foundation
import NASConfig
import NASCore
import NASSearch
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

/// `MetaQNNReplayImport`: the run it creates is the one `nasd run` would resume, with the imported
/// strategy state in its snapshot.
final class MetaQNNReplayImportTests: XCTestCase {
    private var directory: URL!
    private var layout: StateDirectoryLayout {
        StateDirectoryLayout(path: directory.appendingPathComponent("state").path)
    }

    private let config = """
        name: warm
        space: {kind: metaqnn, filters: [64, 128], kernels: [1, 3], pools: [[2, 2]], fc_sizes: [128], max_depth: 4}
        strategy:
          kind: metaqnn
          epsilon_schedule: [{epsilon: 1.0, models: 3}, {epsilon: 0.5, models: 2}, {epsilon: 0.1, models: 5}]
          replay_batch: 16
        training: {epochs: 3}
        trainer: {builtin: surrogate}

        """

    /// Six rows: one synthetic (accuracy 86), one not in the space (C(256,…)), one re-sample, and
    /// networks first trained at ε 1.0 (3) and 0.5 (1): the schedule resumes at ε = 0.5 with 1 of 2.
    private let database = """
        net,accuracy_best_val,iter_best_val,accuracy_last_val,iter_last_val,accuracy_best_test,accuracy_last_test,ix_q_value_update,epsilon,time_finished,machine_run_on
        "[C(64,3,1), P(2,2), D(1,2), C(128,1,1), D(2,2), SM(10)]",0.71,1,0.7,1,-1,-1,1,1.0,0,a
        "[C(128,1,1), SM(10)]",0.1,0,0.1,0,-1,-1,1,1.0,0,a
        "[C(256,3,1), SM(10)]",0.6,1,0.6,1,-1,-1,1,1.0,0,a
        [SM(10)],0.1,0,0.1,0,-1,-1,1,1.0,0,a
        "[C(64,3,1), P(2,2), D(1,2), C(128,1,1), D(2,2), SM(10)]",0.71,1,0.7,1,-1,-1,2,0.5,0,a
        "[C(64,1,1), GAP(10), SM(10)]",0.55,1,0.5,1,-1,-1,2,0.5,0,a
        "[C(64,1,1), SM(10)]",86.0,100,85.5,100,-1,-1,3,0.1,0,a

        """

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "imp")
        try config.write(to: directory.appendingPathComponent("warm.yaml"), atomically: true, encoding: .utf8)
        try database.write(
            to: directory.appendingPathComponent("replay_database.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func runImport(restart: Bool = false) throws -> MetaQNNReplayImport.Report {
        try MetaQNNReplayImport.run(
            replayFile: directory.appendingPathComponent("replay_database.csv").path,
            configFile: directory.appendingPathComponent("warm.yaml").path, stateDirectory: layout, restart: restart,
            now: Date(timeIntervalSince1970: 1_000))
    }

    func testImport_countsRows_andPositionsTheSchedule() throws {
        let report = try runImport()
        XCTAssertEqual(report.rows, 7)
        XCTAssertEqual(report.rejected.map(\.line), [8])
        XCTAssertEqual(report.summary.skipped.map(\.line), [4])
        XCTAssertEqual(report.summary.imported, 5)
        XCTAssertEqual(report.summary.uniqueNetworks, 4)
        XCTAssertEqual(report.summary.neverLearned, 2)
        XCTAssertEqual(report.summary.lastEpsilon, 0.5)
        XCTAssertEqual(report.summary.uniqueAtLastEpsilon, 1)
        XCTAssertEqual(report.epsilon, 0.5)
        XCTAssertEqual(report.stepProgress?.counted, 1)
        XCTAssertEqual(report.stepProgress?.models, 2)
        XCTAssertNil(report.comparison, "no q_values.csv beside the database")
    }

    func testImportedRun_isWhatTheDaemonResumes_withTheImportedState() throws {
        let report = try runImport()
        let store = try RunStore(runDirectory: report.directory, mode: .mustExist)
        let record = try XCTUnwrap(try store.run())
        let configuration = try RunConfiguration(yaml: record.configurationText, file: "warm.yaml")
        XCTAssertEqual(record.searchIdentity, configuration.searchIdentity)
        var strategy = try SearchSetup.makeStrategy(for: configuration)
        let snapshot = try XCTUnwrap(try store.latestStrategySnapshot())
        try strategy.restore(from: snapshot.bytes)
        XCTAssertEqual(strategy.phase, report.phase)
        XCTAssertTrue(strategy.phase.hasPrefix("ε=0.5, 1/2"), strategy.phase)
        // The log's networks are known: the first proposals are new networks.
        let known = Set(
            [
                "[C(64,3,1), P(2,2), C(128,1,1), SM(10)]", "[C(128,1,1), SM(10)]", "[SM(10)]",
                "[C(64,1,1), GAP(10), SM(10)]",
            ])
        for _ in 0..<5 {
            guard case .train(let candidate) = try strategy.propose() else { return XCTFail("expected a proposal") }
            XCTAssertFalse(known.contains(candidate.network.canonicalNotation), "\(candidate.network)")
        }
    }

    func testSecondImport_isRefused_unlessRestart_whichArchivesTheFirst() throws {
        _ = try runImport()
        XCTAssertThrowsError(try runImport()) { error in
            XCTAssertEqual(
                error as? MetaQNNImportConflict,
                .runExists(name: "warm", directory: layout.url.appendingPathComponent("warm").path))
        }
        let again = try runImport(restart: true)
        XCTAssertEqual(again.archivedTo?.lastPathComponent, "warm-1000")
        XCTAssertTrue(FileManager.default.fileExists(atPath: again.directory.appendingPathComponent("run.sqlite").path))
    }

    func testAConfigurationWithAnotherStrategy_isRefused() throws {
        let other = config.replacingOccurrences(of: "kind: metaqnn\n", with: "kind: hyperband\n")
            .replacingOccurrences(
                of:
                    "  epsilon_schedule: [{epsilon: 1.0, models: 3}, {epsilon: 0.5, models: 2}, {epsilon: 0.1, models: 5}]\n  replay_batch: 16\n",
                with: "")
        try other.write(to: directory.appendingPathComponent("warm.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try runImport()) { error in
            guard case .notMetaQNN(_, let kind)? = error as? MetaQNNImportError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(kind, "hyperband")
        }
    }

    func testSearchSetup_buildsMetaQNNAndHyperband() throws {
        let metaqnn = try RunConfiguration(yaml: config, file: "warm.yaml")
        XCTAssertEqual(try SearchSetup.makeStrategy(for: metaqnn).kind, "metaqnn")
        let hyperband = try RunConfiguration(
            yaml: config.replacingOccurrences(of: "kind: metaqnn\n  epsilon_schedule", with: "kind: hyperband\n  #")
                .replacingOccurrences(of: "  replay_batch: 16\n", with: "  max_resource: 9\n"),
            file: "hb.yaml")
        let strategy = try SearchSetup.makeStrategy(for: hyperband)
        XCTAssertEqual(strategy.kind, "hyperband")
        XCTAssertEqual((strategy as? Hyperband)?.bracketTable.map(\.s), [2, 1, 0])
    }
}
