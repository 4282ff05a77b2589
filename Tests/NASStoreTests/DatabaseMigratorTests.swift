import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

final class DatabaseMigratorTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-mig")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private struct Boom: Error {}

    private func tables(_ database: Database, type: String = "table") throws -> [String] {
        try database.makeStatement("SELECT name FROM sqlite_master WHERE type = ? ORDER BY name")
            .rows([type]) { $0.string(at: 0) }
    }

    func testMigrate_fromAnEmptyFileAppliesEveryStepInOrder() throws {
        let database = try Database(path: directory.appendingPathComponent("a.sqlite").path)
        let migrator = try DatabaseMigrator(migrations: [
            Migration(version: 1, name: "a") { try $0.execute(sql: "CREATE TABLE a (x)") },
            Migration(version: 2, name: "b") { try $0.execute(sql: "CREATE TABLE b (x)") },
        ])
        XCTAssertEqual(try migrator.migrate(database), [1, 2])
        XCTAssertEqual(try database.userVersion(), 2)
        XCTAssertEqual(try tables(database), ["a", "b"])
        XCTAssertEqual(try migrator.migrate(database), [], "a second run has nothing to do")
    }

    func testMigrate_appliesOnlyTheStepsNewerThanTheFile() throws {
        let path = directory.appendingPathComponent("b.sqlite").path
        let first = try DatabaseMigrator(migrations: [
            Migration(version: 1, name: "a") { try $0.execute(sql: "CREATE TABLE a (x)") }
        ])
        try first.migrate(try Database(path: path))
        let second = try DatabaseMigrator(
            migrations: first.migrations + [
                Migration(version: 2, name: "b") { try $0.execute(sql: "CREATE TABLE b (x)") }
            ])
        let database = try Database(path: path)
        XCTAssertEqual(try second.migrate(database), [2])
        XCTAssertEqual(try tables(database), ["a", "b"])
    }

    func testMigrate_aFailingStepLeavesTheFileAtThePreviousVersion() throws {
        let database = try Database(path: directory.appendingPathComponent("c.sqlite").path)
        let migrator = try DatabaseMigrator(migrations: [
            Migration(version: 1, name: "a") { try $0.execute(sql: "CREATE TABLE a (x)") },
            Migration(version: 2, name: "broken") { database in
                try database.execute(sql: "CREATE TABLE b (x)")
                throw Boom()
            },
        ])
        XCTAssertThrowsError(try migrator.migrate(database)) { XCTAssertTrue($0 is Boom) }
        XCTAssertEqual(try database.userVersion(), 1)
        XCTAssertEqual(try tables(database), ["a"], "the failed step's table was rolled back")
    }

    func testMigrate_refusesAFileFromANewerBuildNamingBothVersions() throws {
        let path = directory.appendingPathComponent("d.sqlite").path
        try Database(path: path).setUserVersion(7)
        let migrator = try DatabaseMigrator(migrations: [
            Migration(version: 1, name: "a") { try $0.execute(sql: "CREATE TABLE a (x)") }
        ])
        XCTAssertThrowsError(try migrator.migrate(try Database(path: path))) { error in
            XCTAssertEqual(
                error as? MigrationError, .databaseIsNewer(path: path, databaseVersion: 7, supportedVersion: 1))
            let message = String(describing: error)
            XCTAssertTrue(message.contains("version 7"), message)
            XCTAssertTrue(message.contains("up to 1"), message)
        }
    }

    func testInit_rejectsAMigrationListWithAGap() {
        XCTAssertThrowsError(
            try DatabaseMigrator(migrations: [
                Migration(version: 1, name: "a") { _ in },
                Migration(version: 3, name: "c") { _ in },
            ])
        ) { error in
            guard case .invalidMigrationList = error as? MigrationError else { return XCTFail("unexpected \(error)") }
        }
    }

    func testRunStore_refusesAStoreWrittenByANewerBuild() throws {
        let runDirectory = directory.appendingPathComponent("run")
        _ = try RunStore(runDirectory: runDirectory)
        let path = runDirectory.appendingPathComponent(RunStore.fileName).path
        try Database(path: path).setUserVersion(RunStore.schemaVersion + 1)
        XCTAssertThrowsError(try RunStore(runDirectory: runDirectory)) { error in
            XCTAssertEqual(
                error as? MigrationError,
                .databaseIsNewer(
                    path: path, databaseVersion: RunStore.schemaVersion + 1, supportedVersion: RunStore.schemaVersion))
        }
    }

    func testRunStore_freshStoreHasTheDocumentedTablesAndVersion() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("fresh"))
        XCTAssertEqual(try store.database.userVersion(), RunStore.schemaVersion)
        XCTAssertEqual(RunStore.schemaVersion, 8)
        XCTAssertEqual(
            try tables(store.database).filter { !$0.hasPrefix("sqlite_") },
            [
                "events", "final_phase", "jobs", "metric_tally", "metrics", "predictor_models", "proposals", "run",
                "strategy_snapshots", "trial_tallies", "trials",
            ])
    }

    /// Finding a network's finished trials goes through the short index on the key's prefix (the
    /// whole-key index it replaced was about a tenth of the store) of trained trials only (version
    /// 7), and a version 5 store upgrades.
    func testFinishedTrialLookup_usesTheTrainedIdentityPrefixIndex_afterAnUpgradeFromVersion5() throws {
        let runDirectory = directory.appendingPathComponent("v5")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let path = runDirectory.appendingPathComponent(RunStore.fileName).path
        let key = String(repeating: "ab", count: 32) + #"|{"learning_rate":0.01}"#
        do {
            let database = try Database(path: path)
            try DatabaseMigrator(migrations: Array(try RunStoreSchema.makeMigrator().migrations.prefix(5)))
                .migrate(database)
            try database.execute(
                sql: """
                    INSERT INTO run (id, name, config_text, search_identity, created_at, updated_at, state)
                    VALUES (1, 'old', 'name: old', '{}', 1, 1, 'active');
                    INSERT INTO trials (id, canonical_notation, proposed_notation, identity_key, epoch_budget, state,
                        source, final_accuracy, epochs_done, created_at)
                    VALUES (1, 'a', 'a', '\(key)', 5, 'completed', 'r', 0.8, 5, 1),
                           (2, 'b', 'b', '\(String(key.dropLast()))}', 5, 'completed', 'r', 0.7, 5, 1);
                    """)
        }
        let store = try RunStore(runDirectory: runDirectory, mode: .mustExist)
        XCTAssertEqual(try store.database.userVersion(), RunStore.schemaVersion)
        XCTAssertEqual(try store.findFinishedTrial(identityKey: key)?.id, TrialID(rawValue: 1), "the whole key decides")
        XCTAssertNil(try store.findFinishedTrial(identityKey: String(repeating: "ab", count: 32) + "|{}"))
        // The store's own query searches the prefix index (a whole-key term in the planner's view
        // made it scan the table instead).
        let plan = try store.database.makeStatement("EXPLAIN QUERY PLAN " + RunStore.finishedTrialQuery)
            .rows([key]) { $0.string(at: 3) }
        XCTAssertTrue(
            plan.contains { $0.hasPrefix("SEARCH trials USING INDEX trials_trained_by_identity_prefix") }, "\(plan)")
        let indexes = try tables(store.database, type: "index")
        XCTAssertFalse(indexes.contains("trials_by_identity"))
        XCTAssertFalse(indexes.contains("trials_by_identity_prefix"))
    }

    func testVersion2Store_migratesToVersion3_keepingTrialsReferencesAndPredictionsApart() throws {
        let runDirectory = directory.appendingPathComponent("old")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let path = runDirectory.appendingPathComponent(RunStore.fileName).path
        do {
            let database = try Database(path: path)
            let steps = Array(try RunStoreSchema.makeMigrator().migrations.prefix(2))
            try DatabaseMigrator(migrations: steps).migrate(database)
            try database.execute(
                sql: """
                    INSERT INTO run (id, name, config_text, search_identity, created_at, updated_at, state)
                    VALUES (1, 'old', 'name: old', '{}', 1, 1, 'active');
                    INSERT INTO trials (id, canonical_notation, proposed_notation, identity_key, epoch_budget, state,
                        source, predicted_accuracy, predicted_sigma, epochs_done, created_at)
                    VALUES (1, 'a', 'a', 'k1', 5, 'stopped_early', 'random#1', 0.7, 0.05, 2, 1),
                           (2, 'b', 'b', 'k2', 5, 'vetoed', 'random#2', 0.3, NULL, 0, 1),
                           (3, 'c', 'c', 'k3', 5, 'completed', 'random#3', NULL, NULL, 5, 1);
                    INSERT INTO metrics (trial_id, epoch, validation_accuracy, received_at)
                    VALUES (1, 1, 0.5, 1), (1, 2, 0.6, 1);
                    INSERT INTO proposals (proposal_id, trial_id, candidate) VALUES (1, 1, x'00'), (2, 2, x'00');
                    """)
        }
        let store = try RunStore(runDirectory: runDirectory, mode: .mustExist)
        XCTAssertEqual(try store.database.userVersion(), RunStore.schemaVersion)
        // Version 4: trials from before phases have none, and no final phase began.
        XCTAssertEqual(try store.trials().map(\.phase), [nil, nil, nil])
        XCTAssertNil(try store.finalPhase())
        let stopped = try XCTUnwrap(try store.trial(TrialID(rawValue: 1)))
        XCTAssertEqual(stopped.stopPrediction, Prediction(accuracy: 0.7, sigma: 0.05))
        XCTAssertEqual(stopped.stoppedAtEpoch, 2)
        XCTAssertNil(stopped.priorPrediction)
        let vetoed = try XCTUnwrap(try store.trial(TrialID(rawValue: 2)))
        XCTAssertEqual(vetoed.priorPrediction, Prediction(accuracy: 0.3))
        XCTAssertNil(vetoed.stopPrediction)
        XCTAssertEqual(try store.curve(of: TrialID(rawValue: 1)), [0.5, 0.6])
        XCTAssertEqual(try store.trials().map(\.state), [.stoppedEarly, .vetoed, .completed])
        XCTAssertTrue(try store.database.makeStatement("PRAGMA foreign_key_check").rows { $0.string(at: 0) }.isEmpty)
        XCTAssertEqual(
            try store.database.makeStatement("PRAGMA foreign_keys").rows { $0.int(at: 0) }, [1],
            "foreign keys are enforced again after the rebuild")
        XCTAssertNoThrow(try store.database.checkIntegrity(.full))
    }
}
