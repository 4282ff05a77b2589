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

    private static func decodeProposal(_ row: Statement) throws -> StoredProposal {
        StoredProposal(
            proposalID: row.int(at: 0), trialID: TrialID(rawValue: row.int64(at: 1)), candidate: row.data(at: 2),
            isObserved: row.int(at: 3) != 0)
    }
}
