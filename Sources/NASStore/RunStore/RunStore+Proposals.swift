import Foundation

/// A strategy proposal as stored: which trial answers it and whether its outcome was delivered.
public struct StoredProposal: Hashable, Sendable {
    public var proposalID: Int
    public var trialID: TrialID
    /// The proposal as the strategy layer encoded it (opaque to the store).
    public var candidate: Data
    public var isObserved: Bool

    public init(proposalID: Int, trialID: TrialID, candidate: Data, isObserved: Bool) {
        self.proposalID = proposalID
        self.trialID = trialID
        self.candidate = candidate
        self.isObserved = isObserved
    }
}

/// Proposals: the link between a strategy's proposals and the trials that answer them.
extension RunStore {
    /// Records that `proposalID` is answered by `trialID`.
    ///
    /// - Throws: `DatabaseError` (a constraint violation when the proposal id was used already).
    public func recordProposal(_ proposalID: Int, trialID: TrialID, candidate: Data, observed: Bool = false) throws {
        try database.execute(
            "INSERT INTO proposals (proposal_id, trial_id, candidate, observed) VALUES (?, ?, ?, ?)",
            [proposalID, trialID.rawValue, candidate, observed ? 1 : 0])
    }

    /// The proposals answered by a trial, in proposal order.
    public func proposals(of trialID: TrialID) throws -> [StoredProposal] {
        try database.cachedStatement(
            "SELECT proposal_id, trial_id, candidate, observed FROM proposals WHERE trial_id = ? ORDER BY proposal_id"
        ).rows([trialID.rawValue], Self.decodeProposal)
    }

    /// Proposals whose outcome the strategy has not been told yet, in proposal order.
    public func unobservedProposals() throws -> [StoredProposal] {
        try database.cachedStatement(
            "SELECT proposal_id, trial_id, candidate, observed FROM proposals WHERE observed = 0 ORDER BY proposal_id"
        ).rows([], Self.decodeProposal)
    }

    /// Marks every proposal of a trial as observed.
    public func markProposalsObserved(of trialID: TrialID) throws {
        try database.execute("UPDATE proposals SET observed = 1 WHERE trial_id = ?", [trialID.rawValue])
    }

    /// Marks some proposals of a trial observed (those delivered; the others wait for more epochs).
    public func markProposalsObserved(_ proposalIDs: [Int]) throws {
        let statement = try database.cachedStatement("UPDATE proposals SET observed = 1 WHERE proposal_id = ?")
        for id in proposalIDs { try statement.execute([id]) }
    }

    /// The proposal with this id, or `nil`.
    public func proposal(_ proposalID: Int) throws -> StoredProposal? {
        try database.cachedStatement(
            "SELECT proposal_id, trial_id, candidate, observed FROM proposals WHERE proposal_id = ?"
        ).firstRow([proposalID], Self.decodeProposal)
    }

    /// Re-opens a proposal the strategy asked to continue to a larger budget: its candidate is
    /// replaced (the new budget) and it waits for an outcome again.
    public func reopenProposal(_ proposalID: Int, candidate: Data) throws {
        try database.execute(
            "UPDATE proposals SET candidate = ?, observed = 0 WHERE proposal_id = ?", [candidate, proposalID])
        guard database.changes == 1 else { throw RunStoreError.unknownProposal(proposalID) }
    }

    /// Moves a proposal to another trial (from a reused row to the trial that was trained, when
    /// the proposal asks to train on).
    public func moveProposal(_ proposalID: Int, to trialID: TrialID) throws {
        try database.execute(
            "UPDATE proposals SET trial_id = ? WHERE proposal_id = ?", [trialID.rawValue, proposalID])
    }

    private static func decodeProposal(_ row: Statement) throws -> StoredProposal {
        StoredProposal(
            proposalID: row.int(at: 0), trialID: TrialID(rawValue: row.int64(at: 1)), candidate: row.data(at: 2),
            isObserved: row.int(at: 3) != 0)
    }
}
