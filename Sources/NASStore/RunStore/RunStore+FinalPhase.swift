import Foundation

/// The final phase (`final:` in the configuration): the best networks retrained after the search.
extension RunStore {
    /// When the final phase began and why the search before it ended.
    public struct FinalPhaseRecord: Hashable, Sendable {
        /// Why the search ended (the reason the run would have finished with).
        public var searchEndReason: String
        /// When the final phase began.
        public var startedAt: Date
    }

    /// Begins the final phase: records why the search ended and queues its trials, in one
    /// transaction (a crash leaves either no final phase or all of it).
    ///
    /// - Parameters:
    ///   - searchEndReason: why the search ended.
    ///   - trials: the final-phase trials, each with `finalOf` set.
    /// - Returns: the stored trials, in order.
    /// - Throws: `RunStoreError.finalPhaseStarted` when it began already; `DatabaseError`.
    @discardableResult
    public func beginFinalPhase(searchEndReason: String, trials: [NewTrial]) throws -> [TrialRecord] {
        try inTransaction {
            if try finalPhase() != nil { throw RunStoreError.finalPhaseStarted }
            try database.execute(
                "INSERT INTO final_phase (id, search_end_reason, started_at) VALUES (1, ?, ?)",
                [searchEndReason, now()])
            try appendEvent(
                kind: "run.final_phase", trialID: nil,
                detail: EventDetail.make(["reason": .text(searchEndReason), "trials": .integer(Int64(trials.count))]))
            return try trials.map { try insertTrial($0) }
        }
    }

    /// The final phase, when it began.
    public func finalPhase() throws -> FinalPhaseRecord? {
        try database.cachedStatement("SELECT search_end_reason, started_at FROM final_phase WHERE id = 1")
            .firstRow([]) { row in
                FinalPhaseRecord(
                    searchEndReason: row.string(at: 0), startedAt: Date(timeIntervalSince1970: row.double(at: 1)))
            }
    }

    /// The final phase's trials, by id.
    public func finalPhaseTrials() throws -> [TrialRecord] {
        try database.cachedStatement(
            "SELECT \(Self.trialColumns) FROM trials WHERE final_of IS NOT NULL ORDER BY id"
        ).rows([], decodeTrial)
    }
}
