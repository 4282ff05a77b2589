import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

final class ProposalTests: XCTestCase {
    private var directory: URL!
    private var store: RunStore!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-proposals")
        store = try RunStore(runDirectory: directory.appendingPathComponent("demo"), clock: StoreFixtures.clock())
        _ = try store.createRun(StoreFixtures.run)
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(at: directory)
    }

    func testProposals_linkToTheirTrial_andAreObservedTogether() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        try store.recordProposal(1, trialID: trial.id, candidate: Data("one".utf8))
        try store.recordProposal(4, trialID: trial.id, candidate: Data("four".utf8))
        XCTAssertEqual(try store.proposals(of: trial.id).map(\.proposalID), [1, 4])
        XCTAssertEqual(try store.unobservedProposals().map(\.candidate), [Data("one".utf8), Data("four".utf8)])
        try store.markProposalsObserved(of: trial.id)
        XCTAssertEqual(try store.unobservedProposals(), [])
        XCTAssertTrue(try store.proposals(of: trial.id).allSatisfy(\.isObserved))
    }

    func testProposalID_cannotBeUsedTwice() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(1))
        try store.recordProposal(1, trialID: trial.id, candidate: Data())
        XCTAssertThrowsError(try store.recordProposal(1, trialID: trial.id, candidate: Data()))
    }

    func testRequeue_refundingTheAttempt_leavesTheAttemptCountAsBefore() throws {
        let trial = try store.insertTrial(StoreFixtures.newTrial(2))
        let job = try store.dispatchTrial(trial.id, to: "w1", leaseDeadline: StoreFixtures.epoch + 30)
        XCTAssertEqual(try store.trial(trial.id)?.attempts, 1)
        let requeued = try store.requeue(job: job.id, endingAs: .cancelled, refundingAttempt: true)
        XCTAssertEqual(requeued.attempts, 0)
        XCTAssertEqual(requeued.state, .queued)
        let again = try store.dispatchTrial(trial.id, to: "w2", leaseDeadline: StoreFixtures.epoch + 30)
        XCTAssertEqual(again.attempt, 2, "a new job gets a new number")
        XCTAssertEqual(try store.trial(trial.id)?.attempts, 1, "the refunded attempt does not count")
    }
}
