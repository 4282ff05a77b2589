import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

/// Schema version 4: the tallies the status view reads are kept by triggers, must equal the counts
/// over every row after any mix of writes, and are filled exactly when an older store migrates;
/// pages of trials come back in their order, filtered and cut as asked.
final class TrialTalliesTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-tallies")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The tallies computed the slow way, from every trial and every stored epoch.
    private func countedOverEveryRow(_ store: RunStore) throws -> TrialTallies {
        var states: [TrialState: TrialTallies.StateTally] = [:]
        for trial in try store.trials() {
            var tally = states[trial.state] ?? TrialTallies.StateTally()
            tally.trials += 1
            if trial.reusedFrom == nil {
                tally.trainedBudget += trial.epochBudget
                tally.epochsSaved += trial.epochsSavedByStopping
            } else {
                tally.reused += 1
                tally.reusedBudget += trial.epochBudget
            }
            states[trial.state] = tally
        }
        var epochs = 0
        for trial in try store.trials() { epochs += try store.curvePoints(of: trial.id).map(\.epoch).max() ?? 0 }
        return TrialTallies(states: states, epochsTrained: epochs)
    }

    /// A small deterministic generator (the store's tests do not link the search library).
    private struct Steps {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    func testTallies_equalTheCountsOverEveryRow_afterEveryKindOfWrite() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("mixed"), clock: StoreFixtures.clock())
        try store.createRun(StoreFixtures.run)
        var steps = Steps(state: 42)
        var jobs: [TrialID: JobID] = [:]
        var sawKinds = Set<String>()
        for index in 0..<400 {
            let queued = try store.trials(in: [.queued])
            let running = try store.trials(in: [.running])
            let finished = try store.trials(in: [.completed, .stoppedEarly, .vetoed])
            switch steps.next(10) {
            case 0, 1:
                try store.insertTrial(StoreFixtures.newTrial(index, budget: 3 + steps.next(5)))
                sawKinds.insert("insert")
            case 2 where !queued.isEmpty:
                let trial = queued[steps.next(queued.count)]
                jobs[trial.id] = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: StoreFixtures.epoch).id
                sawKinds.insert("dispatch")
            case 3 where !running.isEmpty:
                let trial = running[steps.next(running.count)]
                // Sometimes an epoch is skipped, as a trainer that reports every k-th epoch does.
                _ = try store.recordEpochs([
                    EpochReport(trialID: trial.id, epoch: trial.epochsDone + 1 + steps.next(2), validationAccuracy: 0.5)
                ])
                sawKinds.insert("epoch")
            case 4 where !running.isEmpty:
                let trial = running[steps.next(running.count)]
                let outcome: TrialOutcome
                switch steps.next(4) {
                case 0: outcome = .completed(finalAccuracy: Double(steps.next(1000)) / 1000)
                case 1: outcome = .stoppedEarly(Prediction(accuracy: 0.4), atEpoch: max(1, trial.epochsDone))
                case 2: outcome = .failed(reason: "x")
                default: outcome = .cancelled(reason: "y")
                }
                try store.finishTrial(trial.id, outcome: outcome, job: jobs[trial.id])
                sawKinds.insert("finish \(outcome.state)")
            case 5 where !running.isEmpty:
                let trial = running[steps.next(running.count)]
                if let job = jobs[trial.id] {
                    if steps.next(2) == 0 {
                        try store.requeue(job: job)
                        sawKinds.insert("requeue")
                    } else {
                        try store.restartDiverged(job: job, reason: "diverged")
                        sawKinds.insert("restart")
                    }
                }
            case 6 where !finished.isEmpty:
                let original = finished[steps.next(finished.count)]
                try store.insertReusedTrial(StoreFixtures.newTrial(10_000 + index), reusing: original.id)
                sawKinds.insert("reuse")
            case 7 where !queued.isEmpty:
                try store.finishTrial(queued[0].id, outcome: .vetoed(Prediction(accuracy: 0.1)))
                sawKinds.insert("veto")
            case 8:
                let completed = finished.filter { $0.state == .completed && $0.reusedFrom == nil }
                if let trial = completed.first {
                    try store.promoteTrial(trial.id, toBudget: trial.epochsDone + 2)
                    sawKinds.insert("promote")
                }
            default:
                break
            }
            XCTAssertEqual(try store.tallies(), try countedOverEveryRow(store), "after step \(index)")
        }
        XCTAssertTrue(
            sawKinds.isSuperset(of: [
                "insert", "dispatch", "epoch", "finish stoppedEarly", "finish completed", "requeue", "restart", "reuse",
                "veto", "promote",
            ]), "the sequence exercised \(sawKinds.sorted())")
        XCTAssertGreaterThan(try store.tallies().epochsSaved, 0)
    }

    /// A stop decided after the worker trained on (the decision waited for its model) saved only
    /// the epochs left when it came: version 5 counted budget − stop epoch.
    func testAStopAfterTheWorkerTrainedOn_savesOnlyTheEpochsItDidNotTrain() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("late"))
        _ = try store.createRun(NewRun(name: "late", configurationText: "name: late", searchIdentity: "x"))
        var ids: [TrialID] = []
        for (index, trained) in [20, 5, 3].enumerated() {
            let trial = try store.insertTrial(
                NewTrial(
                    canonicalNotation: "n\(index)", proposedNotation: "n\(index)", identityKey: "k\(index)",
                    hyperparameters: [:], epochBudget: 20, source: "t"))
            _ = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: Date(timeIntervalSince1970: 2e9))
            _ = try store.recordEpochs(
                (1...trained).map { EpochReport(trialID: trial.id, epoch: $0, validationAccuracy: 0.5) })
            _ = try store.finishTrial(trial.id, outcome: .stoppedEarly(Prediction(accuracy: 0.4), atEpoch: 3))
            ids.append(trial.id)
        }
        XCTAssertEqual(try ids.map { try XCTUnwrap(try store.trial($0)).epochsSavedByStopping }, [0, 15, 17])
        XCTAssertEqual(try store.tallies().epochsSaved, 32)
        XCTAssertEqual(try store.tallies(), try countedOverEveryRow(store))
    }

    func testVersion3Store_migratesToTheLatestVersion_withExactTallies() throws {
        let runDirectory = directory.appendingPathComponent("old")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let path = runDirectory.appendingPathComponent(RunStore.fileName).path
        do {
            let database = try Database(path: path)
            let steps = Array(try RunStoreSchema.makeMigrator().migrations.prefix(3))
            try DatabaseMigrator(migrations: steps).migrate(database)
            try database.execute(
                sql: """
                    INSERT INTO run (id, name, config_text, search_identity, created_at, updated_at, state)
                    VALUES (1, 'old', 'name: old', '{}', 1, 1, 'active');
                    INSERT INTO trials (id, canonical_notation, proposed_notation, identity_key, epoch_budget, state,
                        source, stopped_at_epoch, final_accuracy, best_accuracy, epochs_done, created_at, reused_from)
                    VALUES (1, 'a', 'a', 'k1', 9, 'stopped_early', 'r', 3, NULL, 0.5, 3, 1, NULL),
                           (2, 'b', 'b', 'k2', 5, 'completed', 'r', NULL, 0.8, 0.8, 5, 1, NULL),
                           (3, 'b', 'b', 'k2', 5, 'completed', 'r', NULL, 0.8, 0.8, 5, 1, 2),
                           (4, 'c', 'c', 'k3', 9, 'stopped_early', 'r', 2, NULL, 0.3, 2, 1, 1),
                           (5, 'd', 'd', 'k4', 5, 'queued', 'r', NULL, NULL, NULL, 0, 1, NULL);
                    INSERT INTO metrics (trial_id, epoch, validation_accuracy, received_at)
                    VALUES (1, 1, 0.4, 1), (1, 2, 0.45, 1), (1, 3, 0.5, 1), (2, 1, 0.8, 1), (2, 5, 0.8, 1);
                    """)
        }
        let store = try RunStore(runDirectory: runDirectory, mode: .mustExist)
        XCTAssertEqual(try store.database.userVersion(), RunStore.schemaVersion)
        let tallies = try store.tallies()
        XCTAssertEqual(tallies, try countedOverEveryRow(store))
        XCTAssertEqual(tallies.counts[.completed], 2)
        XCTAssertEqual(tallies.counts[.stoppedEarly], 2)
        XCTAssertEqual(tallies.reused, 2)
        XCTAssertEqual(tallies.epochsSaved, 6, "trial 1 saved 9 - 3; trial 4 reused its result and saved none")
        XCTAssertEqual(tallies.epochsTrained, 3 + 5, "trial 2 reported epochs 1 and 5 and trained 5")
        XCTAssertEqual(tallies.states[.completed]?.reusedBudget, 5)
        XCTAssertEqual(tallies.states[.stoppedEarly]?.trainedBudget, 9)
        XCTAssertEqual(tallies.trainedCounts[.completed], 1)
        XCTAssertEqual(try store.bestTrials(limit: 5).map(\.id.rawValue), [2], "the reuse is left out")
        // The triggers keep counting after the migration.
        _ = try store.recordEpochs([EpochReport(trialID: TrialID(rawValue: 2), epoch: 2, validationAccuracy: 0.8)])
        try store.insertTrial(StoreFixtures.newTrial(99))
        XCTAssertEqual(try store.tallies(), try countedOverEveryRow(store))
        XCTAssertNoThrow(try store.database.checkIntegrity(.full))
    }

    func testPages_comeInTheirOrder_filteredAndCut() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("pages"), clock: StoreFixtures.clock())
        try store.createRun(StoreFixtures.run)
        var steps = Steps(state: 7)
        for index in 0..<60 {
            let trial = try store.insertTrial(StoreFixtures.newTrial(index, budget: 3))
            guard index % 4 != 3 else { continue }  // every fourth stays queued
            let job = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: StoreFixtures.epoch)
            // Ties on purpose: accuracies from ten values.
            let accuracy = Double(steps.next(10)) / 10
            _ = try store.recordEpochs([EpochReport(trialID: trial.id, epoch: 1, validationAccuracy: accuracy)])
            if index % 4 != 2 {  // every fourth after that keeps running with a best so far
                try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: accuracy), job: job.id)
            }
        }
        let all = try store.trials()
        func accuracy(_ trial: TrialRecord) -> Double { trial.finalAccuracy ?? trial.bestAccuracy ?? -1 }
        let byAccuracy = all.sorted { accuracy($0) != accuracy($1) ? accuracy($0) > accuracy($1) : $0.id < $1.id }
        XCTAssertEqual(
            try store.trials(in: nil, order: .accuracy, limit: nil).map(\.id), byAccuracy.map(\.id),
            "highest first, ties by id, trials without an accuracy last")
        XCTAssertEqual(
            try store.trials(in: nil, order: .newest, limit: 5).map(\.id), all.reversed().prefix(5).map(\.id))
        XCTAssertEqual(try store.trials(in: nil, order: .id, limit: 7, offset: 10).map(\.id), all[10..<17].map(\.id))
        // Pages read one after another give every trial once, in order.
        var paged: [TrialID] = []
        while true {
            let page = try store.trials(in: [.completed, .running], order: .accuracy, limit: 8, offset: paged.count)
            paged += page.map(\.id)
            if page.count < 8 { break }
        }
        XCTAssertEqual(paged, byAccuracy.filter { $0.state == .completed || $0.state == .running }.map(\.id))
        XCTAssertEqual(try store.trials(in: [.queued], order: .id, limit: nil).count, 15)
        // A quarter of the run or less is read through the state index and sorted: the same order.
        XCTAssertEqual(
            try store.trials(in: [.queued], order: .accuracy, limit: nil).map(\.id),
            byAccuracy.filter { $0.state == .queued }.map(\.id))
        XCTAssertEqual(try store.trials(in: [], order: .id, limit: nil), [])
        XCTAssertEqual(try store.trials(in: nil, order: .id, limit: 0), [])
        let completed = all.filter { $0.state == .completed }
        XCTAssertEqual(
            try store.bestTrials(limit: 4).map(\.id),
            completed.sorted {
                ($0.finalAccuracy ?? 0) != ($1.finalAccuracy ?? 0)
                    ? ($0.finalAccuracy ?? 0) > ($1.finalAccuracy ?? 0) : $0.id < $1.id
            }.prefix(4).map(\.id))
        XCTAssertEqual(try store.bestTrial()?.id, try store.bestTrials(limit: 1).first?.id)
    }

    func testPageQueries_useTheirIndexes() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("plans"), clock: StoreFixtures.clock())
        func plan(_ sql: String) throws -> String {
            try store.database.makeStatement("EXPLAIN QUERY PLAN " + sql).rows { $0.string(at: 3) }
                .joined(separator: "; ")
        }
        let accuracyPlan = try plan(
            "SELECT id FROM trials ORDER BY coalesce(final_accuracy, best_accuracy) DESC, id LIMIT 10")
        XCTAssertTrue(accuracyPlan.contains("trials_by_accuracy"), accuracyPlan)
        XCTAssertFalse(accuracyPlan.contains("TEMP B-TREE"), accuracyPlan)
        let bestPlan = try plan(
            """
            SELECT id FROM trials INDEXED BY trials_best
            WHERE state = 'completed' AND final_accuracy IS NOT NULL AND reused_from IS NULL
            ORDER BY final_accuracy DESC, id LIMIT 10
            """)
        XCTAssertTrue(bestPlan.contains("trials_best"), bestPlan)
        XCTAssertFalse(bestPlan.contains("TEMP B-TREE"), bestPlan)
    }
}
