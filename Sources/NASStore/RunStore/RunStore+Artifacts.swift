import Foundation

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

    /// Saves a predictor model as the next version under its name (all versions are kept).
    ///
    /// - Returns: The stored model with its version.
    @discardableResult
    public func savePredictorModel(named name: String, bytes: Data) throws -> PredictorModel {
        try inTransaction {
            let version =
                try database.cachedStatement(
                    "SELECT coalesce(max(version), 0) + 1 FROM predictor_models WHERE name = ?"
                ).firstRow([name]) { $0.int(at: 0) } ?? 1
            let time = now()
            try database.execute(
                "INSERT INTO predictor_models (name, version, bytes, saved_at) VALUES (?, ?, ?, ?)",
                [name, version, bytes, time])
            return PredictorModel(
                name: name, version: version, bytes: bytes, savedAt: Date(timeIntervalSince1970: time))
        }
    }

    /// The latest version of the named predictor model, or `nil`.
    public func latestPredictorModel(named name: String) throws -> PredictorModel? {
        try database.cachedStatement(
            """
            SELECT name, version, bytes, saved_at FROM predictor_models WHERE name = ?
            ORDER BY version DESC LIMIT 1
            """
        ).firstRow([name]) { row in
            PredictorModel(
                name: row.string(at: 0), version: row.int(at: 1), bytes: row.data(at: 2),
                savedAt: Date(timeIntervalSince1970: row.double(at: 3)))
        }
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
