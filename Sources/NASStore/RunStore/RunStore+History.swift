import Foundation

/// One stored epoch with the trial it belongs to: a row of the run's whole training history.
public struct TrialEpoch: Hashable, Sendable {
    /// The trial that reported it.
    public var trialID: TrialID
    /// The epoch, its accuracy, further metrics and when it was received.
    public var epoch: StoredEpoch

    /// Creates a history row.
    public init(trialID: TrialID, epoch: StoredEpoch) {
        self.trialID = trialID
        self.epoch = epoch
    }
}

/// Read-only queries over the whole run, for reports and exports (one query instead of one per trial).
extension RunStore {
    /// Every stored epoch of every trial, in the order the daemon received them (trial and epoch on
    /// ties).
    ///
    /// - Throws: `DatabaseError`, or `RunStoreError.corruptValue` for an unreadable metrics object.
    public func history() throws -> [TrialEpoch] {
        try database.cachedStatement(
            """
            SELECT trial_id, epoch, validation_accuracy, metrics, received_at FROM metrics
            ORDER BY received_at, trial_id, epoch
            """
        ).rows([]) { row in
            let metricsText = row.string(at: 3)
            guard let metrics = NumberDictionaryJSON.decode(metricsText) else {
                throw RunStoreError.corruptValue(table: "metrics", column: "metrics", value: metricsText)
            }
            return TrialEpoch(
                trialID: TrialID(rawValue: row.int64(at: 0)),
                epoch: StoredEpoch(
                    epoch: row.int(at: 1), validationAccuracy: row.double(at: 2), metrics: metrics,
                    receivedAt: Date(timeIntervalSince1970: row.double(at: 4))))
        }
    }

    /// The latest version of every saved predictor model, by name (empty when none was saved).
    ///
    /// - Throws: `DatabaseError`.
    public func predictorModelVersions() throws -> [String: Int] {
        let rows = try database.cachedStatement(
            "SELECT name, max(version) FROM predictor_models GROUP BY name ORDER BY name"
        ).rows([]) { ($0.string(at: 0), $0.int(at: 1)) }
        return Dictionary(rows, uniquingKeysWith: max)
    }
}

extension RunStore {
    /// How long each job waited to be dispatched, in seconds: from the trial's creation (first
    /// attempt) or the end of its previous attempt (a retry) to the job's dispatch; in dispatch order.
    ///
    /// - Throws: `DatabaseError`.
    public func dispatchWaits() throws -> [Double] {
        try database.cachedStatement(
            """
            SELECT j.dispatched_at - coalesce(
                (SELECT max(p.ended_at) FROM jobs p WHERE p.trial_id = j.trial_id AND p.attempt < j.attempt),
                t.created_at)
            FROM jobs j JOIN trials t ON t.id = j.trial_id ORDER BY j.dispatched_at
            """
        ).rows([]) { max(0, $0.double(at: 0)) }
    }
}
