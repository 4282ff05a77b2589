import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

/// Schema version 4: each trial's proposal phase, and the final phase (issue 7 §5).
final class FinalPhaseStoreTests: XCTestCase {
    private var directory: URL!
    private var store: RunStore!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-final")
        store = try RunStore(runDirectory: directory.appendingPathComponent("demo"), clock: StoreFixtures.clock())
        try store.createRun(StoreFixtures.run)
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(at: directory)
    }

    func testPhase_isStoredWithTheTrial_andCopiedToAReuse() throws {
        var proposed = StoreFixtures.newTrial(1)
        proposed.phase = "epsilon=0.7"
        let trial = try store.insertTrial(proposed)
        XCTAssertEqual(try store.trial(trial.id)?.phase, "epsilon=0.7")
        _ = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: StoreFixtures.epoch.addingTimeInterval(60))
        _ = try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.8))
        var again = StoreFixtures.newTrial(1)
        again.phase = "epsilon=0.1"
        let reused = try store.insertReusedTrial(again, reusing: trial.id)
        XCTAssertEqual(reused.phase, "epsilon=0.1", "the reuse records the phase it was proposed in")
        XCTAssertNil(reused.finalOf)
    }

    func testBeginFinalPhase_queuesItsTrialsOnce_andKeepsThemApartFromTheSearchBest() throws {
        let search = try store.insertTrial(StoreFixtures.newTrial(1))
        _ = try store.dispatchTrial(search.id, to: "w", leaseDeadline: StoreFixtures.epoch.addingTimeInterval(60))
        _ = try store.finishTrial(search.id, outcome: .completed(finalAccuracy: 0.6))
        let finals = (1...2).map { seed -> NewTrial in
            var trial = StoreFixtures.newTrial(1, budget: 50, source: "final#1")
            trial.identityKey = "final|seed=\(seed)|" + trial.identityKey
            trial.phase = "final"
            trial.finalOf = (search.id, seed)
            return trial
        }
        XCTAssertNil(try store.finalPhase())
        let queued = try store.beginFinalPhase(searchEndReason: "trained its 1 trials", trials: finals)
        XCTAssertEqual(queued.map(\.state), [.queued, .queued])
        XCTAssertEqual(queued.map(\.finalOf), [search.id, search.id])
        XCTAssertEqual(queued.map(\.finalSeed), [1, 2])
        XCTAssertEqual(try store.finalPhase()?.searchEndReason, "trained its 1 trials")
        XCTAssertEqual(try store.finalPhaseTrials().map(\.id), queued.map(\.id))
        XCTAssertThrowsError(try store.beginFinalPhase(searchEndReason: "again", trials: [])) { error in
            XCTAssertEqual(error as? RunStoreError, .finalPhaseStarted)
        }
        // A final-phase trial that beats the search is not the search's best.
        _ = try store.dispatchTrial(queued[0].id, to: "w", leaseDeadline: StoreFixtures.epoch.addingTimeInterval(60))
        _ = try store.finishTrial(queued[0].id, outcome: .completed(finalAccuracy: 0.9))
        XCTAssertEqual(try store.bestTrial()?.id, search.id)
    }
}
