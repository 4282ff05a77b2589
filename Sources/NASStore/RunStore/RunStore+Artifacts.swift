import Foundation
import NASCore

/// Strategy snapshots, predictor models and the event log.
extension RunStore {
    // MARK: Strategy snapshots

    /// Saves a strategy snapshot and keeps only the latest `keepingLatest` ones.
    ///
    /// Call it inside the same `inTransaction(_:)` as the transition the snapshot reflects, so a
    /// restart never sees one without the other.
    ///
    /// - Returns: The stored snapshot.
    @discardableResult
    public func saveStrategySnapshot(_ bytes: Data, keepingLatest count: Int = 3) throws -> StrategySnapshot {
        try inTransaction {
            let time = now()
            try database.execute("INSERT INTO strategy_snapshots (bytes, saved_at) VALUES (?, ?)", [bytes, time])
            let sequence = database.lastInsertedRowID
            try database.execute(
                """
                DELETE FROM strategy_snapshots WHERE seq NOT IN
                    (SELECT seq FROM strategy_snapshots ORDER BY seq DESC LIMIT ?)
                """, [max(1, count)])
            return StrategySnapshot(sequence: sequence, bytes: bytes, savedAt: Date(timeIntervalSince1970: time))
        }
    }

    /// The most recent strategy snapshot, or `nil` when none was saved.
    public func latestStrategySnapshot() throws -> StrategySnapshot? {
        try database.cachedStatement(
            "SELECT seq, bytes, saved_at FROM strategy_snapshots ORDER BY seq DESC LIMIT 1"
        ).firstRow([]) { row in
            StrategySnapshot(
                sequence: row.int64(at: 0), bytes: row.data(at: 1),
                savedAt: Date(timeIntervalSince1970: row.double(at: 2)))
        }
    }

    // MARK: Predictor models

    /// Saves a predictor's model under its version. A version saved again keeps its first bytes
    /// (the same examples give the same model), unless `replacing` says the stored bytes are to go:
    /// a model that could not be decoded (written by another build), refit.
    ///
    /// - Returns: The stored model.
    @discardableResult
    public func savePredictorModel(
        named name: String, version: Int, bytes: Data, replacing: Bool = false
    ) throws -> StoredPredictorModel {
        let time = now()
        let conflict =
            replacing ? "DO UPDATE SET bytes = excluded.bytes, saved_at = excluded.saved_at" : "DO NOTHING"
        try database.execute(
            """
            INSERT INTO predictor_models (name, version, bytes, saved_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (name, version) \(conflict)
            """, [name, version, bytes, time])
        return try predictorModel(named: name, version: version)
            ?? StoredPredictorModel(
                name: name, version: version, bytes: bytes, savedAt: Date(timeIntervalSince1970: time))
    }

    /// The named predictor's model of this version, or `nil`.
    public func predictorModel(named name: String, version: Int) throws -> StoredPredictorModel? {
        try database.cachedStatement(
            "SELECT name, version, bytes, saved_at FROM predictor_models WHERE name = ? AND version = ?"
        ).firstRow([name, version], Self.decodePredictorModel)
    }

    /// The latest version of the named predictor's model, or `nil`.
    public func latestPredictorModel(named name: String) throws -> StoredPredictorModel? {
        try database.cachedStatement(
            """
            SELECT name, version, bytes, saved_at FROM predictor_models WHERE name = ?
            ORDER BY version DESC LIMIT 1
            """
        ).firstRow([name], Self.decodePredictorModel)
    }

    private static func decodePredictorModel(_ row: Statement) -> StoredPredictorModel {
        StoredPredictorModel(
            name: row.string(at: 0), version: row.int(at: 1), bytes: row.data(at: 2),
            savedAt: Date(timeIntervalSince1970: row.double(at: 3)))
    }

    /// Every completion, in the order it committed (the order a predictor's examples are
    /// numbered in by the model-version rule), with the epochs the trial had trained then. A trial
    /// that Hyperband promoted completes once per rung: each completion is listed, with the epochs
    /// it was promoted from, while the trial is completed again or still training on; a trial's
    /// last completion counts while the trial stays completed. Reused trials are not included: they
    /// add no new curve.
    public func completions() throws -> [(trial: TrialID, epochs: Int)] {
        let rows = try database.cachedStatement(
            """
            SELECT e.trial_id, t.state, t.epochs_done,
                (SELECT p.detail FROM events p
                 WHERE p.kind = 'trial.promoted' AND p.trial_id = e.trial_id AND p.seq > e.seq
                 ORDER BY p.seq LIMIT 1)
            FROM events e JOIN trials t ON t.id = e.trial_id
            WHERE e.kind = 'trial.completed' AND t.reused_from IS NULL
            ORDER BY e.seq
            """
        ).rows([]) { row in
            (TrialID(rawValue: row.int64(at: 0)), row.string(at: 1), row.int(at: 2), row.optionalString(at: 3))
        }
        var completions: [(trial: TrialID, epochs: Int)] = []
        for (trial, state, epochsDone, promotion) in rows {
            if let promotion {
                guard let from = NumberDictionaryJSON.decode(promotion)?["from"] else {
                    throw RunStoreError.corruptValue(table: "events", column: "detail", value: promotion)
                }
                completions.append((trial, Int(from)))
            } else if state == TrialState.completed.rawValue {
                completions.append((trial, epochsDone))
            }
        }
        return completions
    }

    // MARK: Events

    /// Appends an entry to the event log.
    ///
    /// The store logs its own transitions (`run.*`, `trial.*`) in the same transaction; the daemon
    /// adds its own kinds (`worker.connected`, `worker.lost`, …).
    ///
    /// - Parameters:
    ///   - kind: What happened, dotted.
    ///   - trialID: The trial concerned, if any.
    ///   - detail: A JSON object text.
    /// - Returns: The stored event.
    @discardableResult
    public func appendEvent(kind: String, trialID: TrialID? = nil, detail: String = "{}") throws -> StoreEvent {
        let time = now()
        try database.execute(
            "INSERT INTO events (time, kind, trial_id, detail) VALUES (?, ?, ?, ?)",
            [time, kind, trialID?.rawValue, detail])
        return StoreEvent(
            sequence: database.lastInsertedRowID, time: Date(timeIntervalSince1970: time), kind: kind,
            trialID: trialID, detail: detail)
    }

    /// Events after sequence number `sequence`, oldest first, at most `limit`.
    public func events(after sequence: Int64 = 0, limit: Int = 1_000) throws -> [StoreEvent] {
        try database.cachedStatement(
            "SELECT seq, time, kind, trial_id, detail FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
        ).rows([sequence, limit], decodeEvent)
    }

    /// The trials that have an event of `kind` (each once, ascending).
    public func trialIDs(withEvent kind: String) throws -> [TrialID] {
        try database.cachedStatement(
            "SELECT DISTINCT trial_id FROM events WHERE kind = ? AND trial_id IS NOT NULL ORDER BY trial_id"
        ).rows([kind]) { TrialID(rawValue: $0.int64(at: 0)) }
    }

    /// A trial's events, oldest first.
    public func events(of trialID: TrialID) throws -> [StoreEvent] {
        try database.cachedStatement(
            "SELECT seq, time, kind, trial_id, detail FROM events WHERE trial_id = ? ORDER BY seq"
        ).rows([trialID.rawValue], decodeEvent)
    }

    private func decodeEvent(_ row: Statement) -> StoreEvent {
        StoreEvent(
            sequence: row.int64(at: 0), time: Date(timeIntervalSince1970: row.double(at: 1)), kind: row.string(at: 2),
            trialID: row.optionalInt64(at: 3).map(TrialID.init(rawValue:)), detail: row.string(at: 4))
    }
}
