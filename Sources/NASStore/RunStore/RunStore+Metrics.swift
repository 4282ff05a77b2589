import Foundation
import NASCore

/// Per-epoch metrics: group-committed, idempotent on re-send.
extension RunStore {
    /// Records a batch of epoch reports in one transaction (group commit).
    ///
    /// Returns after `COMMIT`, so every report whose outcome `isDurable` may be acknowledged to its
    /// worker. A re-sent epoch (same trial and epoch) is a `.duplicate`: the first value is kept
    /// (`PRIMARY KEY (trial_id, epoch)`). A report for an unknown or finished trial, or outside
    /// 1…budget, is `.rejected` without failing the rest of the batch. A new epoch raises the
    /// trial's `epochsDone` and `bestAccuracy` and refreshes `lastProgressAt`.
    ///
    /// - Parameter reports: The reports, in any order, for any trials.
    /// - Returns: One outcome per report, in the same order.
    /// - Throws: `DatabaseError` when the transaction fails; then nothing was recorded.
    public func recordEpochs(_ reports: [EpochReport]) throws -> [EpochReportOutcome] {
        if reports.isEmpty { return [] }
        return try inTransaction {
            let time = now()
            let selectTrial = try database.cachedStatement("SELECT state, epoch_budget FROM trials WHERE id = ?")
            let insertMetric = try database.cachedStatement(
                """
                INSERT INTO metrics (trial_id, epoch, validation_accuracy, metrics, received_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (trial_id, epoch) DO NOTHING
                """)
            let updateTrial = try database.cachedStatement(
                """
                UPDATE trials SET epochs_done = max(epochs_done, ?),
                    best_accuracy = max(coalesce(best_accuracy, ?), ?), last_progress_at = ?,
                    training_seconds = training_seconds + ?
                WHERE id = ?
                """)
            var outcomes: [EpochReportOutcome] = []
            outcomes.reserveCapacity(reports.count)
            for report in reports {
                let id = report.trialID.rawValue
                let found = try selectTrial.firstRow([id]) { ($0.string(at: 0), $0.int(at: 1)) }
                guard let (stateText, budget) = found else {
                    outcomes.append(.rejected(.unknownTrial))
                    continue
                }
                guard let state = TrialState(rawValue: stateText) else {
                    throw RunStoreError.corruptValue(table: "trials", column: "state", value: stateText)
                }
                guard !state.isTerminal else {
                    outcomes.append(.rejected(.trialNotActive(state)))
                    continue
                }
                guard report.epoch >= 1, report.epoch <= budget else {
                    outcomes.append(.rejected(.epochOutOfRange(epoch: report.epoch, budget: budget)))
                    continue
                }
                try insertMetric.execute([
                    id, report.epoch, report.validationAccuracy, NumberDictionaryJSON.encode(report.metrics), time,
                ])
                guard database.changes == 1 else {
                    outcomes.append(.duplicate)
                    continue
                }
                let accuracy = report.validationAccuracy
                try updateTrial.execute([report.epoch, accuracy, accuracy, time, max(0, report.trainingSeconds), id])
                outcomes.append(.recorded)
            }
            return outcomes
        }
    }

    /// A trial's stored epochs, in epoch order.
    public func epochs(of trialID: TrialID) throws -> [StoredEpoch] {
        try database.cachedStatement(
            """
            SELECT epoch, validation_accuracy, metrics, received_at FROM metrics
            WHERE trial_id = ? ORDER BY epoch
            """
        ).rows([trialID.rawValue]) { row in
            let metricsText = row.string(at: 2)
            guard let metrics = NumberDictionaryJSON.decode(metricsText) else {
                throw RunStoreError.corruptValue(table: "metrics", column: "metrics", value: metricsText)
            }
            return StoredEpoch(
                epoch: row.int(at: 0), validationAccuracy: row.double(at: 1), metrics: metrics,
                receivedAt: Date(timeIntervalSince1970: row.double(at: 3)))
        }
    }

    /// A trial's epochs and validation accuracies, without the further metrics (whose JSON
    /// `epochs(of:)` decodes): what completing a trial and answering from it need.
    public func curvePoints(of trialID: TrialID) throws -> [CurvePoint] {
        try database.cachedStatement(
            "SELECT epoch, validation_accuracy FROM metrics WHERE trial_id = ? ORDER BY epoch"
        ).rows([trialID.rawValue]) { CurvePoint(epoch: $0.int(at: 0), validationAccuracy: $0.double(at: 1)) }
    }

    /// A trial's validation-accuracy curve: epoch 1 first (the learning curve predictors read).
    public func curve(of trialID: TrialID) throws -> [Double] {
        try curvePoints(of: trialID).map(\.validationAccuracy)
    }

    /// The epochs trained in the run: each trial's highest stored epoch, summed (a trainer that
    /// reports every k-th epoch trained the ones between; reused trials cost none). Kept by
    /// triggers (schema version 8), so reading it costs one row.
    public func epochsSpent() throws -> Int {
        try database.cachedStatement("SELECT epochs FROM metric_tally").firstRow([]) { $0.int(at: 0) } ?? 0
    }
}
