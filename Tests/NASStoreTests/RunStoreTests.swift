import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

final class RunStoreTests: XCTestCase {
    private var directory: URL!
    private var store: RunStore!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-run")
        store = try RunStore(runDirectory: directory.appendingPathComponent("demo"), clock: StoreFixtures.clock())
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(at: directory)
    }

    private let later = StoreFixtures.epoch.addingTimeInterval(60)

    /// A proposed notation equal to the canonical one is stored once (the column holds ''), and
    /// read back whole; one that differs (dropout) is stored as it is.
    func testProposedNotation_isStoredOnlyWhereItDiffersFromTheCanonicalOne() throws {
        _ = try store.createRun(StoreFixtures.run)
        let withDropout = try store.insertTrial(StoreFixtures.newTrial(1))
        var plain = StoreFixtures.newTrial(2)
        plain.proposedNotation = plain.canonicalNotation
        let same = try store.insertTrial(plain)
        XCTAssertEqual(try store.trial(same.id)?.proposedNotation, plain.canonicalNotation)
        XCTAssertEqual(try store.trial(withDropout.id)?.proposedNotation, "[C(64,3,1), D(0.1), FC(11), SM(10)]")
        let stored = try store.database.cachedStatement("SELECT proposed_notation FROM trials ORDER BY id").rows([]) {
            $0.string(at: 0)
        }
        XCTAssertEqual(stored, ["[C(64,3,1), D(0.1), FC(11), SM(10)]", ""])
        let reused = try store.insertReusedTrial(
            plain,
            reusing: try {
                _ = try store.dispatchTrial(same.id, to: "w", leaseDeadline: later)
                return try store.finishTrial(same.id, outcome: .completed(finalAccuracy: 0.5)).id
            }())
        XCTAssertEqual(try store.trial(reused.id)?.proposedNotation, plain.canonicalNotation)
    }

    // MARK: Run row

    func testCreateRun_storesTheRowAsActive() throws {
        XCTAssertNil(try store.run())
        let run = try store.createRun(StoreFixtures.run)
        XCTAssertEqual(run.name, "demo")
        XCTAssertEqual(run.configurationText, StoreFixtures.run.configurationText)
        XCTAssertEqual(run.searchIdentity, "space=x;seed=7")
        XCTAssertEqual(run.state, .active)
        XCTAssertEqual(run.createdAt, StoreFixtures.epoch)
        XCTAssertNil(run.finishReason)
        XCTAssertEqual(try store.run(), run)
    }

    func testCreateRun_twiceIsRefused() throws {
        try store.createRun(StoreFixtures.run)
        XCTAssertThrowsError(try store.createRun(StoreFixtures.run)) { error in
            XCTAssertEqual(error as? RunStoreError, .runAlreadyExists(name: "demo"))
        }
    }

    func testSetRunState_recordsStateReasonAndAnEvent() throws {
        XCTAssertThrowsError(try store.setRunState(.paused)) { error in
            guard case .runNotCreated = error as? RunStoreError else { return XCTFail("unexpected \(error)") }
        }
        try store.createRun(StoreFixtures.run)
        let run = try store.setRunState(.finished, finishReason: "max trials reached")
        XCTAssertEqual(run.state, .finished)
        XCTAssertEqual(run.finishReason, "max trials reached")
        XCTAssertEqual(try store.events().map(\.kind), ["run.created", "run.finished"])
        XCTAssertEqual(try store.events().last?.detail, #"{"reason":"max trials reached"}"#)
    }

    func testReopen_existingStoreKeepsItsRowsAndMustExistFindsIt() throws {
        try store.createRun(StoreFixtures.run)
        try store.insertTrial(StoreFixtures.newTrial(1))
        store = nil
        let reopened = try RunStore(runDirectory: directory.appendingPathComponent("demo"), mode: .mustExist)
        XCTAssertEqual(try reopened.run()?.name, "demo")
        XCTAssertEqual(try reopened.trials().count, 1)
        XCTAssertThrowsError(try RunStore(runDirectory: directory.appendingPathComponent("nope"), mode: .mustExist)) {
            guard case .storeNotFound = $0 as? RunStoreError else { return XCTFail("unexpected \($0)") }
        }
    }

    // MARK: Trials

    func testInsertTrial_storesEveryFieldAsQueued() throws {
        var candidate = StoreFixtures.newTrial(3)
        candidate.priorPrediction = Prediction(accuracy: 0.71, sigma: 0.02, modelVersion: 4)
        let trial = try store.insertTrial(candidate)
        XCTAssertEqual(trial.id, TrialID(rawValue: 1))
        XCTAssertEqual(trial.state, .queued)
        XCTAssertEqual(trial.canonicalNotation, candidate.canonicalNotation)
        XCTAssertEqual(trial.proposedNotation, candidate.proposedNotation)
        XCTAssertEqual(trial.identityKey, candidate.identityKey)
        XCTAssertEqual(trial.hyperparameters, candidate.hyperparameters)
        XCTAssertEqual(trial.epochBudget, 20)
        XCTAssertEqual(trial.attempts, 0)
        XCTAssertEqual(trial.source, "random")
        XCTAssertEqual(trial.priorPrediction, Prediction(accuracy: 0.71, sigma: 0.02, modelVersion: 4))
        XCTAssertNil(trial.stopPrediction)
        XCTAssertNil(trial.finalAccuracy)
        XCTAssertEqual(trial.createdAt, StoreFixtures.epoch)
        XCTAssertEqual(try store.trial(trial.id), trial)
    }

    func testHyperparameters_readBackExactly_toTheLastBit() throws {
        // Log-uniform draws, as a searched learning rate is: JSONSerialization misread about two in
        // three of these by one bit; every value must come back as the very Double stored.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<200 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            let rate = exp(log(0.001) + unit * log(100))
            var candidate = StoreFixtures.newTrial(index)
            candidate.hyperparameters = ["learning_rate": rate, "momentum": 0.9]
            let trial = try store.insertTrial(candidate)
            XCTAssertEqual(try store.trial(trial.id)?.hyperparameters["learning_rate"], rate, "draw \(index)")
        }
    }

    func testIdentityKey_ignoresHyperparameterOrder_andNamesNoBudget() {
        let a = TrialIdentity.key(canonicalHash: "h", hyperparameters: ["b": 2, "a": 0.1])
        let b = TrialIdentity.key(canonicalHash: "h", hyperparameters: ["a": 0.1, "b": 2])
        XCTAssertEqual(a, b)
        XCTAssertEqual(a, #"h|{"a":0.1,"b":2.0}"#)
        XCTAssertNotEqual(a, TrialIdentity.key(canonicalHash: "h", hyperparameters: ["a": 0.2, "b": 2]))
        XCTAssertEqual(TrialIdentity.removingBudget(from: #"h|{"a":0.1,"b":2.0}|20"#), a, "a version-2 key")
        XCTAssertEqual(TrialIdentity.removingBudget(from: a), a)
    }

    func testInsertTrial_anIdenticalInFlightTrialIsRefusedAndFound() throws {
        let first = try store.insertTrial(StoreFixtures.newTrial(1))
        XCTAssertThrowsError(try store.insertTrial(StoreFixtures.newTrial(1))) { error in
            XCTAssertEqual(
                error as? RunStoreError,
                .duplicateInFlightTrial(identityKey: first.identityKey, existing: first.id))
        }
        XCTAssertEqual(try store.findInFlightTrial(identityKey: first.identityKey)?.id, first.id)
        XCTAssertNil(try store.findFinishedTrial(identityKey: first.identityKey))
        XCTAssertEqual(try store.trials().count, 1)
    }

    /// Hyperband promotes a completed trial: each completion is listed with the epochs it had then,
    /// while the trial trains on and once it completes again; a trial that completed once counts
    /// while it stays completed.
    func testCompletions_listEachRungsCompletionWithItsEpochs() throws {
        func train(_ trial: TrialRecord, from first: Int, to last: Int) throws {
            let job = try store.dispatchTrial(trial.id, to: "w1/0", leaseDeadline: later)
            _ = try store.recordEpochs(
                (first...last).map { EpochReport(trialID: trial.id, epoch: $0, validationAccuracy: 0.1 * Double($0)) })
            try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.1 * Double(last)), job: job.id)
        }
        let promoted = try store.insertTrial(StoreFixtures.newTrial(1, budget: 1))
        let plain = try store.insertTrial(StoreFixtures.newTrial(2, budget: 3))
        try train(promoted, from: 1, to: 1)
        try train(plain, from: 1, to: 3)
        try store.promoteTrial(promoted.id, toBudget: 3)
        XCTAssertEqual(try store.completions().map { [Int($0.trial.rawValue), $0.epochs] }, [[1, 1], [2, 3]])
        try train(try XCTUnwrap(try store.trial(promoted.id)), from: 2, to: 3)
        XCTAssertEqual(
            try store.completions().map { [Int($0.trial.rawValue), $0.epochs] }, [[1, 1], [2, 3], [1, 3]])
    }

    func testLifecycle_dispatchCompleteAndFindFinished() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        let job = try store.dispatchTrial(trial.id, to: "w1/0", leaseDeadline: later)
        XCTAssertEqual(job.attempt, 1)
        XCTAssertEqual(job.state, .running)
        XCTAssertEqual(try store.job(job.id), job)
        let running = try XCTUnwrap(try store.trial(trial.id))
        XCTAssertEqual(running.state, .running)
        XCTAssertEqual(running.attempts, 1)
        XCTAssertEqual(running.workerID, "w1/0")
        XCTAssertEqual(running.startedAt, StoreFixtures.epoch)

        let done = try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.8), job: job.id)
        XCTAssertEqual(done.state, .completed)
        XCTAssertEqual(done.finalAccuracy, 0.8)
        XCTAssertEqual(done.bestAccuracy, 0.8)
        XCTAssertEqual(done.finishedAt, StoreFixtures.epoch)
        XCTAssertEqual(try store.job(job.id)?.state, .completed)
        XCTAssertEqual(try store.findFinishedTrial(identityKey: trial.identityKey)?.id, trial.id)
        XCTAssertNil(try store.findInFlightTrial(identityKey: trial.identityKey))
        XCTAssertEqual(
            try store.events(of: trial.id).map(\.kind), ["trial.dispatched", "trial.completed"])
        XCTAssertEqual(try store.runningJobs(), [])
    }

    func testFinishTrial_illegalTransitionsAreRejectedAndChangeNothing() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        XCTAssertThrowsError(try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.9))) { error in
            XCTAssertEqual(error as? RunStoreError, .illegalTransition(trial: trial.id, from: .queued, to: .completed))
        }
        XCTAssertThrowsError(
            try store.finishTrial(trial.id, outcome: .stoppedEarly(Prediction(accuracy: 0.5, sigma: 0.1), atEpoch: 1)))
        try store.finishTrial(trial.id, outcome: .vetoed(Prediction(accuracy: 0.3, sigma: 0.05)))
        XCTAssertThrowsError(try store.dispatchTrial(trial.id, to: "w", leaseDeadline: later)) { error in
            XCTAssertEqual(error as? RunStoreError, .illegalTransition(trial: trial.id, from: .vetoed, to: .running))
        }
        XCTAssertThrowsError(try store.finishTrial(trial.id, outcome: .failed(reason: "x"))) { error in
            XCTAssertEqual(error as? RunStoreError, .illegalTransition(trial: trial.id, from: .vetoed, to: .failed))
        }
        let stored = try XCTUnwrap(try store.trial(trial.id))
        XCTAssertEqual(stored.state, .vetoed)
        XCTAssertEqual(stored.priorPrediction?.accuracy, 0.3)
        XCTAssertNil(stored.failureReason)
        XCTAssertThrowsError(try store.finishTrial(TrialID(rawValue: 99), outcome: .cancelled(reason: "x"))) {
            XCTAssertEqual($0 as? RunStoreError, .unknownTrial(TrialID(rawValue: 99)))
        }
    }

    func testTrialState_transitionTableMatchesTheLifecycle() {
        let legal: Set<String> = [
            "queued>running", "queued>vetoed", "queued>failed", "queued>cancelled", "running>queued",
            "running>completed", "running>stopped_early", "running>incomplete", "running>failed", "running>cancelled",
            "completed>queued",
        ]
        for from in TrialState.allCases {
            for to in TrialState.allCases {
                XCTAssertEqual(
                    from.canTransition(to: to), legal.contains("\(from.rawValue)>\(to.rawValue)"), "\(from)>\(to)")
            }
        }
    }

    func testRequeue_expiredLeaseQueuesTheTrialAgainAndTheNextDispatchIsAttemptTwo() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        let first = try store.dispatchTrial(trial.id, to: "w1/0", leaseDeadline: StoreFixtures.epoch)
        XCTAssertEqual(try store.expiredJobs(asOf: later).map(\.id), [first.id])
        XCTAssertEqual(try store.expiredJobs(asOf: StoreFixtures.epoch), [], "the deadline itself is not past")

        let requeued = try store.requeue(job: first.id)
        XCTAssertEqual(requeued.state, .queued)
        XCTAssertEqual(try store.job(first.id)?.state, .expired)
        XCTAssertThrowsError(try store.requeue(job: first.id)) {
            XCTAssertEqual($0 as? RunStoreError, .jobNotRunning(first.id, state: .expired))
        }
        XCTAssertThrowsError(try store.extendLease(first.id, until: later)) {
            XCTAssertEqual($0 as? RunStoreError, .jobNotRunning(first.id, state: .expired))
        }

        let second = try store.dispatchTrial(trial.id, to: "w2/0", leaseDeadline: later)
        XCTAssertEqual(second.attempt, 2)
        XCTAssertEqual(try store.trial(trial.id)?.attempts, 2)
        // The worker whose lease expired cannot finish the trial now running elsewhere.
        XCTAssertThrowsError(try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.1), job: first.id))
        try store.finishTrial(trial.id, outcome: .failed(reason: "trainer exited 1"), job: second.id)
        let failed = try XCTUnwrap(try store.trial(trial.id))
        XCTAssertEqual(failed.state, .failed)
        XCTAssertEqual(failed.failureReason, "trainer exited 1")
        XCTAssertEqual(try store.jobs(of: trial.id).map(\.state), [.expired, .failed])
    }

    func testExtendLease_movesTheDeadline() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        let job = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: StoreFixtures.epoch)
        try store.extendLease(job.id, until: later)
        XCTAssertEqual(try store.job(job.id)?.leaseDeadline, later)
        XCTAssertEqual(try store.expiredJobs(asOf: StoreFixtures.epoch.addingTimeInterval(30)), [])
        XCTAssertThrowsError(try store.extendLease(JobID(rawValue: 42), until: later)) {
            XCTAssertEqual($0 as? RunStoreError, .unknownJob(JobID(rawValue: 42)))
        }
    }

    func testRunningJobs_afterReopeningListTheJobsThatWereOnWorkers() throws {
        let a = try store.insertTrial(StoreFixtures.newTrial(1))
        let b = try store.insertTrial(StoreFixtures.newTrial(2))
        let c = try store.insertTrial(StoreFixtures.newTrial(3))
        let jobA = try store.dispatchTrial(a.id, to: "w1/0", leaseDeadline: later)
        let jobB = try store.dispatchTrial(b.id, to: "w1/1", leaseDeadline: later, startEpoch: 4)
        _ = c
        try store.finishTrial(a.id, outcome: .completed(finalAccuracy: 0.5), job: jobA.id)
        store = nil
        let reopened = try RunStore(runDirectory: directory.appendingPathComponent("demo"))
        let running = try reopened.runningJobs()
        XCTAssertEqual(running.map(\.id), [jobB.id])
        XCTAssertEqual(running.first?.startEpoch, 4)
        XCTAssertEqual(running.first?.workerID, "w1/1")
        XCTAssertEqual(try reopened.trials(in: [.queued]).map(\.id), [c.id])
    }

    /// A network's lookup reads its trained trial only, however many reuses it has (each one
    /// used to be read and sorted on every lookup, a cost that grew with the run); while that
    /// trial trains again after a promotion the finished lookup finds nothing and the in-flight
    /// lookup finds it.
    func testFindFinishedTrial_readsTheTrainedTrialNotItsReuses_andNothingWhileItTrainsAgain() throws {
        let original = try store.insertTrial(StoreFixtures.newTrial(1))
        let job = try store.dispatchTrial(original.id, to: "w", leaseDeadline: later)
        _ = try store.recordEpochs([EpochReport(trialID: original.id, epoch: 1, validationAccuracy: 0.6)])
        try store.finishTrial(original.id, outcome: .completed(finalAccuracy: 0.6), job: job.id)
        for _ in 0..<5 { _ = try store.insertReusedTrial(StoreFixtures.newTrial(1), reusing: original.id) }
        XCTAssertEqual(try store.findFinishedTrial(identityKey: original.identityKey)?.id, original.id)
        let plan = try store.database.makeStatement("EXPLAIN QUERY PLAN " + RunStore.finishedTrialQuery)
            .rows([original.identityKey]) { $0.string(at: 3) }
        XCTAssertTrue(
            plan.contains { $0.hasPrefix("SEARCH trials USING INDEX trials_trained_by_identity_prefix") }, "\(plan)")
        let indexed = try store.database.makeStatement(
            "SELECT count(*) FROM trials INDEXED BY trials_trained_by_identity_prefix "
                + "WHERE substr(identity_key, 1, 16) = substr(?, 1, 16) AND reused_from IS NULL"
        ).firstRow([original.identityKey]) { $0.int(at: 0) }
        XCTAssertEqual(indexed, 1, "the index holds the trained trial, not its 5 reuses")

        _ = try store.promoteTrial(original.id, toBudget: 8)
        XCTAssertNil(try store.findFinishedTrial(identityKey: original.identityKey), "the reuses do not answer")
        XCTAssertEqual(try store.findInFlightTrial(identityKey: original.identityKey)?.id, original.id)
    }

    func testInsertReusedTrial_copiesTheResultAndPointsToTheTrainedTrial() throws {
        let original = try store.insertTrial(StoreFixtures.newTrial(1))
        let job = try store.dispatchTrial(original.id, to: "w", leaseDeadline: later)
        _ = try store.recordEpochs([EpochReport(trialID: original.id, epoch: 1, validationAccuracy: 0.6)])
        try store.finishTrial(original.id, outcome: .completed(finalAccuracy: 0.7), job: job.id)

        let reuse = try store.insertReusedTrial(StoreFixtures.newTrial(1, source: "metaqnn"), reusing: original.id)
        XCTAssertEqual(reuse.state, .completed)
        XCTAssertEqual(reuse.finalAccuracy, 0.7)
        XCTAssertEqual(reuse.bestAccuracy, 0.7)
        XCTAssertEqual(reuse.epochsDone, 1)
        XCTAssertEqual(reuse.reusedFrom, original.id)
        XCTAssertEqual(reuse.attempts, 0)
        let second = try store.insertReusedTrial(StoreFixtures.newTrial(1), reusing: reuse.id)
        XCTAssertEqual(second.reusedFrom, original.id, "a reuse of a reuse points to the trained trial")
        XCTAssertEqual(try store.findFinishedTrial(identityKey: original.identityKey)?.id, original.id)
        XCTAssertEqual(try store.epochsSpent(), 1, "reused trials cost no epochs")

        let queued = try store.insertTrial(StoreFixtures.newTrial(2))
        XCTAssertThrowsError(try store.insertReusedTrial(StoreFixtures.newTrial(2), reusing: queued.id)) {
            XCTAssertEqual($0 as? RunStoreError, .nothingToReuse(queued.id, state: .queued))
        }
    }

    func testBestTrialAndCounts_summariseTheRun() throws {
        XCTAssertNil(try store.bestTrial())
        let accuracies = [0.61, 0.83, 0.83, 0.42]
        var ids: [TrialID] = []
        for (index, accuracy) in accuracies.enumerated() {
            let trial = try store.insertTrial(StoreFixtures.newTrial(index))
            let job = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: later)
            try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: accuracy), job: job.id)
            ids.append(trial.id)
        }
        let stopped = try store.insertTrial(StoreFixtures.newTrial(10))
        try store.dispatchTrial(stopped.id, to: "w", leaseDeadline: later)
        try store.finishTrial(stopped.id, outcome: .stoppedEarly(Prediction(accuracy: 0.95, sigma: 0.01), atEpoch: 1))
        try store.insertTrial(StoreFixtures.newTrial(11))

        XCTAssertEqual(
            try store.bestTrial()?.id, ids[1], "highest final accuracy, earliest on ties; predictions don't count")
        let counts = try store.trialCounts()
        XCTAssertEqual(counts[.completed], 4)
        XCTAssertEqual(counts[.stoppedEarly], 1)
        XCTAssertEqual(counts[.queued], 1)
        XCTAssertEqual(counts[.failed], 0)
        XCTAssertEqual(counts.count, TrialState.allCases.count)
        XCTAssertEqual(try store.trials(in: [.completed, .stoppedEarly]).count, 5)
        XCTAssertEqual(try store.trials(in: []).count, 0)
    }

    // MARK: Artifacts

    func testStrategySnapshots_latestIsLoadedAndOnlyTheLastNAreKept() throws {
        XCTAssertNil(try store.latestStrategySnapshot())
        for index in 0..<5 {
            try store.saveStrategySnapshot(Data("state \(index)".utf8), keepingLatest: 2)
        }
        let latest = try XCTUnwrap(try store.latestStrategySnapshot())
        XCTAssertEqual(latest.bytes, Data("state 4".utf8))
        XCTAssertEqual(latest.sequence, 5)
        let kept = try store.database.makeStatement("SELECT count(*) FROM strategy_snapshots").firstRow {
            $0.int(at: 0)
        }
        XCTAssertEqual(kept, 2)
    }

    func testPredictorModels_areVersionedPerName() throws {
        XCTAssertNil(try store.latestPredictorModel(named: "srm"))
        XCTAssertEqual(try store.savePredictorModel(named: "srm", version: 1, bytes: Data([1])).version, 1)
        XCTAssertEqual(try store.savePredictorModel(named: "srm", version: 2, bytes: Data([2])).version, 2)
        XCTAssertEqual(try store.savePredictorModel(named: "peephole", version: 1, bytes: Data([9])).version, 1)
        XCTAssertEqual(
            try store.savePredictorModel(named: "srm", version: 2, bytes: Data([7])).bytes, Data([2]),
            "a version saved again keeps its first bytes")
        XCTAssertEqual(try store.predictorModel(named: "srm", version: 1)?.bytes, Data([1]))
        let latest = try XCTUnwrap(try store.latestPredictorModel(named: "srm"))
        XCTAssertEqual(latest.version, 2)
        XCTAssertEqual(latest.bytes, Data([2]))
    }

    func testPredictorModel_savedReplacing_overwritesTheStoredBytes() throws {
        try store.savePredictorModel(named: "strategy/rnas", version: 1, bytes: Data([0]))
        let replaced = try store.savePredictorModel(
            named: "strategy/rnas", version: 1, bytes: Data([5]), replacing: true)
        XCTAssertEqual(replaced.bytes, Data([5]))
        XCTAssertEqual(try store.predictorModel(named: "strategy/rnas", version: 1)?.bytes, Data([5]))
        XCTAssertEqual(try store.predictorModelVersions()["strategy/rnas"], 1)
    }

    func testEvents_appendAndPageBySequence() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        _ = try store.dispatchTrial(trial.id, to: "w1/0", leaseDeadline: later)
        let event = try store.appendEvent(kind: "worker.connected", detail: #"{"worker":"w1"}"#)
        XCTAssertEqual(event.kind, "worker.connected")
        let all = try store.events()
        XCTAssertEqual(all.map(\.kind), ["trial.dispatched", "worker.connected"])
        XCTAssertEqual(all.first?.trialID, trial.id)
        XCTAssertEqual(try store.events(after: all[0].sequence).map(\.sequence), [event.sequence])
        XCTAssertEqual(try store.events(limit: 1).count, 1)
    }

    func testInTransaction_rollsBackEveryStoreCallWhenTheBodyThrows() throws {
        struct Abort: Error {}
        XCTAssertThrowsError(
            try store.inTransaction {
                let trial = try store.insertTrial(StoreFixtures.newTrial(1))
                try store.dispatchTrial(trial.id, to: "w", leaseDeadline: later)
                try store.saveStrategySnapshot(Data([1, 2, 3]))
                throw Abort()
            }
        ) { XCTAssertTrue($0 is Abort) }
        XCTAssertEqual(try store.trials(), [])
        XCTAssertEqual(try store.runningJobs(), [])
        XCTAssertNil(try store.latestStrategySnapshot())
        XCTAssertEqual(try store.events(), [])
    }
}
