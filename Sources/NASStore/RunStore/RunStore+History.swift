import Foundation
import NASCore

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
    /// How long jobs waited to be dispatched, in seconds: from the trial's creation (first attempt)
    /// or the end of its previous attempt (a retry) to the job's dispatch.
    public struct DispatchWaits: Hashable, Sendable {
        /// Jobs dispatched.
        public var count: Int
        /// Their waits, summed.
        public var sum: Double
        /// The waits of the latest jobs (at most the `recent` asked for), latest first.
        public var recent: [Double]
    }

    /// The dispatch waits of every job, counted and summed in SQL, with the latest `recent` of
    /// them: a run of 100,000 trials is summarised without decoding its rows.
    ///
    /// - Throws: `DatabaseError`.
    public func dispatchWaits(recent: Int) throws -> DispatchWaits {
        let wait = """
            max(0, j.dispatched_at - coalesce(
                (SELECT max(p.ended_at) FROM jobs p WHERE p.trial_id = j.trial_id AND p.attempt < j.attempt),
                t.created_at))
            """
        let totals =
            try database.cachedStatement(
                "SELECT count(*), coalesce(sum(\(wait)), 0) FROM jobs j JOIN trials t ON t.id = j.trial_id"
            )
            .firstRow([]) { ($0.int(at: 0), $0.double(at: 1)) } ?? (0, 0)
        let latest = try database.cachedStatement(
            "SELECT \(wait) FROM jobs j JOIN trials t ON t.id = j.trial_id ORDER BY j.id DESC LIMIT ?"
        ).rows([max(0, recent)]) { $0.double(at: 0) }
        return DispatchWaits(count: totals.0, sum: totals.1, recent: latest)
    }
}
