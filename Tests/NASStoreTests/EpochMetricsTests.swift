import Foundation
import NASCore
import NASTestSupport
import XCTest

@testable import NASStore

final class EpochMetricsTests: XCTestCase {
    private var directory: URL!
    private var store: RunStore!
    private var trial: TrialRecord!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-metrics")
        store = try RunStore(runDirectory: directory, clock: StoreFixtures.clock())
        trial = try store.insertTrial(StoreFixtures.newTrial(1, budget: 5))
        try store.dispatchTrial(trial.id, to: "w", leaseDeadline: StoreFixtures.epoch.addingTimeInterval(60))
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(at: directory)
    }

    func testRecordEpochs_storesTheCurveAndUpdatesProgress() throws {
        let outcomes = try store.recordEpochs([
            EpochReport(trialID: trial.id, epoch: 1, validationAccuracy: 0.30, metrics: ["loss": 2.1]),
            EpochReport(trialID: trial.id, epoch: 2, validationAccuracy: 0.55, metrics: ["loss": 1.4, "lr": 0.1]),
            EpochReport(trialID: trial.id, record: EpochRecord(epoch: 3, validationAccuracy: 0.50)),
        ])
        XCTAssertEqual(outcomes, [.recorded, .recorded, .recorded])
        XCTAssertEqual(try store.curve(of: trial.id), [0.30, 0.55, 0.50])
        let epochs = try store.epochs(of: trial.id)
        XCTAssertEqual(epochs.map(\.metrics), [["loss": 2.1], ["loss": 1.4, "lr": 0.1], [:]])
        XCTAssertEqual(epochs.first?.receivedAt, StoreFixtures.epoch)
        XCTAssertEqual(epochs.last?.record, EpochRecord(epoch: 3, validationAccuracy: 0.50))
        let stored = try XCTUnwrap(try store.trial(trial.id))
        XCTAssertEqual(stored.epochsDone, 3)
        XCTAssertEqual(stored.bestAccuracy, 0.55)
        XCTAssertEqual(stored.lastProgressAt, StoreFixtures.epoch)
        XCTAssertEqual(try store.epochsSpent(), 3)
    }

    /// A trainer may report every k-th epoch: the epochs between were trained too. Spent epochs are
    /// each trial's highest stored epoch, summed, whatever order the reports come in; deleting a
    /// trial's epochs (a diverged restart) takes them back.
    func testEpochsSpent_countTheEpochsTrained_whenATrainerReportsEveryFifthEpoch() throws {
        let (trial, other) = (
            try store.insertTrial(StoreFixtures.newTrial(2, budget: 20)),
            try store.insertTrial(StoreFixtures.newTrial(3, budget: 20))
        )
        for id in [trial.id, other.id] { _ = try store.dispatchTrial(id, to: "w", leaseDeadline: StoreFixtures.epoch) }
        XCTAssertEqual(
            try store.recordEpochs([EpochReport(trialID: trial.id, epoch: 5, validationAccuracy: 0.3)]), [.recorded])
        XCTAssertEqual(try store.epochsSpent(), 5)
        _ = try store.recordEpochs([
            EpochReport(trialID: other.id, epoch: 12, validationAccuracy: 0.6),
            EpochReport(trialID: trial.id, epoch: 10, validationAccuracy: 0.4),
            EpochReport(trialID: other.id, epoch: 4, validationAccuracy: 0.5),
        ])
        XCTAssertEqual(try store.epochsSpent(), 10 + 12, "an epoch below its trial's highest adds nothing")
        try store.database.execute(sql: "DELETE FROM metrics WHERE trial_id = \(other.id.rawValue) AND epoch = 4")
        XCTAssertEqual(try store.epochsSpent(), 22)
        try store.database.execute(sql: "DELETE FROM metrics WHERE trial_id = \(other.id.rawValue) AND epoch = 12")
        XCTAssertEqual(try store.epochsSpent(), 10)
        XCTAssertEqual(try store.tallies().epochsTrained, 10)
    }

    func testRecordEpochs_aReSentEpochIsADuplicateAndKeepsTheFirstValue() throws {
        let report = EpochReport(trialID: trial.id, epoch: 1, validationAccuracy: 0.4)
        XCTAssertEqual(try store.recordEpochs([report]), [.recorded])
        var resent = report
        resent.validationAccuracy = 0.9
        XCTAssertEqual(try store.recordEpochs([resent, report]), [.duplicate, .duplicate])
        XCTAssertTrue(EpochReportOutcome.duplicate.isDurable)
        XCTAssertEqual(try store.curve(of: trial.id), [0.4])
        XCTAssertEqual(try store.trial(trial.id)?.bestAccuracy, 0.4, "a duplicate does not move the best")
        XCTAssertEqual(try store.epochsSpent(), 1)
    }

    func testRecordEpochs_badReportsAreRejectedWithoutFailingTheBatch() throws {
        let other = try store.insertTrial(StoreFixtures.newTrial(2, budget: 5))
        try store.finishTrial(other.id, outcome: .cancelled(reason: "run stopped"))
        let outcomes = try store.recordEpochs([
            EpochReport(trialID: TrialID(rawValue: 404), epoch: 1, validationAccuracy: 0.1),
            EpochReport(trialID: other.id, epoch: 1, validationAccuracy: 0.1),
            EpochReport(trialID: trial.id, epoch: 0, validationAccuracy: 0.1),
            EpochReport(trialID: trial.id, epoch: 6, validationAccuracy: 0.1),
            EpochReport(trialID: trial.id, epoch: 5, validationAccuracy: 0.2),
        ])
        XCTAssertEqual(
            outcomes,
            [
                .rejected(.unknownTrial), .rejected(.trialNotActive(.cancelled)),
                .rejected(.epochOutOfRange(epoch: 0, budget: 5)), .rejected(.epochOutOfRange(epoch: 6, budget: 5)),
                .recorded,
            ])
        XCTAssertFalse(outcomes[0].isDurable)
        XCTAssertEqual(try store.curve(of: trial.id), [0.2])
    }

    func testRecordEpochs_aQueuedTrialStillAcceptsEpochsFromItsFormerWorker() throws {
        let job = try XCTUnwrap(try store.runningJobs().first)
        try store.requeue(job: job.id)
        XCTAssertEqual(
            try store.recordEpochs([EpochReport(trialID: trial.id, epoch: 1, validationAccuracy: 0.3)]), [.recorded])
    }

    func testRecordEpochs_nonFiniteMetricsAreDroppedNotCorrupting() throws {
        _ = try store.recordEpochs([
            EpochReport(trialID: trial.id, epoch: 1, validationAccuracy: 0.3, metrics: ["loss": .nan, "q\"x": 1])
        ])
        XCTAssertEqual(try store.epochs(of: trial.id).first?.metrics, ["q\"x": 1])
    }

    func testRecordEpochs_tenThousandReportsInOneBatchAreAllRecorded() throws {
        var reports: [EpochReport] = []
        var ids: [TrialID] = []
        for index in 0..<200 {
            let candidate = try store.insertTrial(StoreFixtures.newTrial(100 + index, budget: 50))
            try store.dispatchTrial(candidate.id, to: "w", leaseDeadline: StoreFixtures.epoch)
            ids.append(candidate.id)
        }
        for epoch in 1...50 {
            for id in ids { reports.append(EpochReport(trialID: id, epoch: epoch, validationAccuracy: 0.01)) }
        }
        let outcomes = try store.recordEpochs(reports)
        XCTAssertEqual(outcomes.filter { $0 == .recorded }.count, 10_000)
        XCTAssertEqual(try store.epochsSpent(), 10_000)
        XCTAssertEqual(try store.trials(in: [.running]).filter { $0.epochsDone == 50 }.count, 200)
    }
}
