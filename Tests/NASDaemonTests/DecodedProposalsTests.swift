import Foundation
import NASCore
import NASSearch
import NASStore
import XCTest

@testable import NASDaemon

/// The core's cache of what it decoded at admission: used while it holds an entry, the store's
/// text decoded when it does not (a resumed run), and bounded.
final class DecodedProposalsTests: XCTestCase {
    private var network: Network { get throws { try Network(notation: "[C(16,3,1), P(2,2), SM(10)]") } }

    private func trial(_ id: Int64, notation: String) -> TrialRecord {
        TrialRecord(
            id: TrialID(rawValue: id), canonicalNotation: notation, proposedNotation: notation, identityKey: "k\(id)",
            hyperparameters: [:], epochBudget: 2, state: .queued, attempts: 0, source: "test", priorPrediction: nil,
            stopPrediction: nil, stoppedAtEpoch: nil, finalAccuracy: nil, bestAccuracy: nil, epochsDone: 0,
            trainingSeconds: 0, createdAt: Date(), startedAt: nil, finishedAt: nil, lastProgressAt: nil, workerID: nil,
            failureReason: nil, reusedFrom: nil)
    }

    func testARememberedCandidateIsUsedAndAForgottenOneIsDecodedFromTheStore() throws {
        let decoded = DecodedProposals()
        let candidate = Candidate(
            proposalID: 7, network: try network, hyperparameters: ["learning_rate": 0.1], budget: 4)
        let stored = StoredProposal(
            proposalID: 7, trialID: TrialID(rawValue: 1), candidate: try JSONEncoder().encode(candidate),
            isObserved: false)
        // Not remembered: decoded from the stored text.
        XCTAssertEqual(try decoded.candidate(of: stored), candidate)
        // Remembered: the stored text is not read (here it could not be decoded).
        var unreadable = stored
        unreadable.candidate = Data("not json".utf8)
        decoded.remember(candidate)
        XCTAssertEqual(try decoded.candidate(of: unreadable), candidate)
        decoded.forget(proposals: [7])
        XCTAssertThrowsError(try decoded.candidate(of: unreadable))
    }

    func testANetworkIsTakenOnceThenParsedFromTheTrialsNotation() throws {
        let decoded = DecodedProposals()
        let other = try Network(notation: "[C(32,1,1), SM(10)]")
        // The trial's stored notation differs from the remembered network, to tell them apart.
        let record = trial(1, notation: other.notation)
        decoded.remember(try network, queuedAs: record.id)
        XCTAssertEqual(try decoded.takeNetwork(of: record, waiting: []), try network)
        XCTAssertEqual(try decoded.takeNetwork(of: record, waiting: []), other)
        XCTAssertThrowsError(try decoded.takeNetwork(of: trial(2, notation: "[C(16"), waiting: []))
    }

    func testNetworksOfTrialsThatNeverWereDispatchedAreDropped() throws {
        let decoded = DecodedProposals()
        let remembered = try network
        for id: Int64 in 1...200 { decoded.remember(remembered, queuedAs: TrialID(rawValue: id)) }
        let other = try Network(notation: "[C(32,1,1), SM(10)]")
        // Taking one prunes to the trials still waiting: 150 stays, 199 (vetoed, say) is dropped.
        _ = try decoded.takeNetwork(of: trial(1, notation: other.notation), waiting: [TrialID(rawValue: 150)])
        XCTAssertEqual(try decoded.takeNetwork(of: trial(150, notation: other.notation), waiting: []), remembered)
        XCTAssertEqual(try decoded.takeNetwork(of: trial(199, notation: other.notation), waiting: []), other)
    }
}
