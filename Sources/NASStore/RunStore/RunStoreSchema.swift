/// The run store's schema history (documented in docs/store-schema.md).
///
/// Never edit a shipped step: append a new one. A file from a build with more steps is refused.
enum RunStoreSchema {
    /// The migrations, version 1 first.
    static func makeMigrator() throws -> DatabaseMigrator {
        try DatabaseMigrator(migrations: [
            Migration(version: 1, name: "initial schema") { database in
                try database.execute(sql: version1)
            },
            Migration(version: 2, name: "strategy proposals") { database in
                try database.execute(sql: version2)
            },
            Migration(version: 3, name: "incomplete trials, two predictions, training time", rebuildsTables: true) {
                database in
                try database.execute(sql: version3)
                try removeBudgetFromIdentities(database)
                try database.execute(sql: version3Indexes)
            },
            Migration(version: 4, name: "proposal phases and the final phase") { database in
                try database.execute(sql: version4)
            },
        ])
    }

    /// Times are Unix seconds (`REAL`); JSON columns hold objects; states are checked names.
    static let version1 = """
        CREATE TABLE run (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            config_text TEXT NOT NULL,
            search_identity TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'stopping', 'finished', 'failed')),
            finish_reason TEXT
        );
        CREATE TABLE trials (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            canonical_notation TEXT NOT NULL,
            proposed_notation TEXT NOT NULL,
            identity_key TEXT NOT NULL,
            hyperparameters TEXT NOT NULL DEFAULT '{}',
            epoch_budget INTEGER NOT NULL CHECK (epoch_budget >= 0),
            state TEXT NOT NULL CHECK (state IN
                ('queued', 'running', 'completed', 'stopped_early', 'vetoed', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL,
            predicted_accuracy REAL,
            predicted_sigma REAL,
            final_accuracy REAL,
            best_accuracy REAL,
            epochs_done INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL,
            last_progress_at REAL,
            worker_id TEXT,
            failure_reason TEXT,
            reused_from INTEGER REFERENCES trials(id)
        );
        CREATE INDEX trials_by_identity ON trials(identity_key);
        CREATE INDEX trials_by_state ON trials(state);
        CREATE UNIQUE INDEX trials_in_flight_identity ON trials(identity_key)
            WHERE state IN ('queued', 'running');
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            trial_id INTEGER NOT NULL REFERENCES trials(id),
            attempt INTEGER NOT NULL,
            worker_id TEXT NOT NULL,
            lease_deadline REAL NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('running', 'completed', 'stopped', 'expired', 'failed', 'cancelled')),
            start_epoch INTEGER NOT NULL DEFAULT 0,
            end_epoch INTEGER,
            dispatched_at REAL NOT NULL,
            ended_at REAL,
            UNIQUE (trial_id, attempt)
        );
        CREATE INDEX jobs_running ON jobs(lease_deadline) WHERE state = 'running';
        CREATE TABLE metrics (
            trial_id INTEGER NOT NULL REFERENCES trials(id),
            epoch INTEGER NOT NULL CHECK (epoch >= 1),
            validation_accuracy REAL NOT NULL,
            metrics TEXT NOT NULL DEFAULT '{}',
            received_at REAL NOT NULL,
            PRIMARY KEY (trial_id, epoch)
        ) WITHOUT ROWID;
        CREATE TABLE strategy_snapshots (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            bytes BLOB NOT NULL,
            saved_at REAL NOT NULL
        );
        CREATE TABLE predictor_models (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            bytes BLOB NOT NULL,
            saved_at REAL NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            kind TEXT NOT NULL,
            trial_id INTEGER REFERENCES trials(id),
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_by_trial ON events(trial_id) WHERE trial_id IS NOT NULL;
        """

    /// Every proposal a strategy made, linked to the trial that answers it (several proposals can
    /// share one trial: a duplicate joins the trial in flight or reuses a finished one). `observed`
    /// records that the strategy has been told the outcome, in the same transaction as its snapshot.
    static let version2 = """
        CREATE TABLE proposals (
            proposal_id INTEGER PRIMARY KEY,
            trial_id INTEGER NOT NULL REFERENCES trials(id),
            candidate BLOB NOT NULL,
            observed INTEGER NOT NULL DEFAULT 0 CHECK (observed IN (0, 1))
        );
        CREATE INDEX proposals_by_trial ON proposals(trial_id);
        CREATE INDEX proposals_unobserved ON proposals(trial_id) WHERE observed = 0;
        """

    /// Identity keys stop naming the epoch budget (promotions keep one trial per network).
    private static func removeBudgetFromIdentities(_ database: Database) throws {
        let rows = try database.makeStatement("SELECT id, identity_key FROM trials").rows {
            ($0.int64(at: 0), $0.string(at: 1))
        }
        for (id, key) in rows {
            let updated = TrialIdentity.removingBudget(from: key)
            if updated != key {
                try database.execute("UPDATE trials SET identity_key = ? WHERE id = ?", [updated, id])
            }
        }
    }

    /// The trials table rebuilt (SQLite cannot change a CHECK constraint in place; the procedure of
    /// https://www.sqlite.org/lang_altertable.html#otheralter, run with foreign keys off): the
    /// `incomplete` state (a trainer that exited 0 before its budget, every attempt); the prior's
    /// and the stop rule's predictions apart, each with its σ and model version, and the epoch a
    /// trial was stopped at; the training time summed over attempts and daemon restarts (for
    /// `trial.timeout`); how many times it was restarted after diverging. Old predictions move by state: a vetoed trial's was the prior's, a stopped
    /// one's the stop rule's.
    static let version3 = """
        CREATE TABLE trials_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            canonical_notation TEXT NOT NULL,
            proposed_notation TEXT NOT NULL,
            identity_key TEXT NOT NULL,
            hyperparameters TEXT NOT NULL DEFAULT '{}',
            epoch_budget INTEGER NOT NULL CHECK (epoch_budget >= 0),
            state TEXT NOT NULL CHECK (state IN
                ('queued', 'running', 'completed', 'stopped_early', 'vetoed', 'incomplete', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL,
            prior_accuracy REAL,
            prior_sigma REAL,
            prior_model_version INTEGER,
            stop_accuracy REAL,
            stop_sigma REAL,
            stop_model_version INTEGER,
            stopped_at_epoch INTEGER,
            final_accuracy REAL,
            best_accuracy REAL,
            epochs_done INTEGER NOT NULL DEFAULT 0,
            training_seconds REAL NOT NULL DEFAULT 0,
            diverged_restarts INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL,
            last_progress_at REAL,
            worker_id TEXT,
            failure_reason TEXT,
            reused_from INTEGER REFERENCES trials(id)
        );
        INSERT INTO trials_v3 (id, canonical_notation, proposed_notation, identity_key, hyperparameters, epoch_budget,
            state, attempts, source, prior_accuracy, prior_sigma, stop_accuracy, stop_sigma, stopped_at_epoch,
            final_accuracy, best_accuracy, epochs_done, created_at, started_at, finished_at, last_progress_at,
            worker_id, failure_reason, reused_from)
        SELECT id, canonical_notation, proposed_notation, identity_key, hyperparameters, epoch_budget, state,
            attempts, source,
            CASE WHEN state = 'stopped_early' THEN NULL ELSE predicted_accuracy END,
            CASE WHEN state = 'stopped_early' THEN NULL ELSE predicted_sigma END,
            CASE WHEN state = 'stopped_early' THEN predicted_accuracy END,
            CASE WHEN state = 'stopped_early' THEN predicted_sigma END,
            CASE WHEN state = 'stopped_early' THEN epochs_done END,
            final_accuracy, best_accuracy, epochs_done, created_at, started_at, finished_at, last_progress_at,
            worker_id, failure_reason, reused_from
        FROM trials;
        DROP TABLE trials;
        ALTER TABLE trials_v3 RENAME TO trials;
        CREATE INDEX trials_by_identity ON trials(identity_key);
        CREATE INDEX trials_by_state ON trials(state);
        """

    /// Created after the identity keys were rewritten (two budgets of one network in flight
    /// become one identity: a store from before promotions never has that).
    static let version3Indexes = """
        CREATE UNIQUE INDEX trials_in_flight_identity ON trials(identity_key)
            WHERE state IN ('queued', 'running');
        """

    /// Each trial's strategy phase when proposed (`epsilon=0.9`, `generation=2`, `bracket=4
    /// rung=0`, `final`); a final-phase trial's search trial and seed number; and the final phase
    /// itself: when it began and why the search before it ended (docs/store-schema.md).
    static let version4 = """
        ALTER TABLE trials ADD COLUMN phase TEXT;
        ALTER TABLE trials ADD COLUMN final_of INTEGER REFERENCES trials(id);
        ALTER TABLE trials ADD COLUMN final_seed INTEGER;
        CREATE INDEX trials_final_phase ON trials(final_of) WHERE final_of IS NOT NULL;
        CREATE TABLE final_phase (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            search_end_reason TEXT NOT NULL,
            started_at REAL NOT NULL
        );
        """
}
