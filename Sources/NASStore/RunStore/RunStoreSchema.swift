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
            Migration(version: 5, name: "trial tallies and view indexes") { database in
                try database.execute(sql: trialTallies)
            },
            Migration(version: 6, name: "identity index on the key's first 16 characters, epochs saved as trained") {
                database in
                try database.execute(sql: version6)
            },
            Migration(version: 7, name: "identity index of trained trials only") { database in
                try database.execute(sql: version7)
            },
            Migration(version: 8, name: "epochs spent as the epochs trained") { database in
                try database.execute(sql: version8)
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

    /// What the status view reads, kept by triggers instead of counted over every trial on each
    /// request (issue 11 §4: `status` cost grew with the run): per state the trials, those that
    /// reused a result, the epochs early stopping saved (a stopped trial's budget minus the epoch
    /// it stopped at, reused ones left out), and the budgets of the trained and of the reused
    /// trials; and the epochs recorded in `metrics`. An epoch report's update of a running trial
    /// changes none of them and leaves `trial_tallies` unwritten (the trigger's `WHEN`). Filled
    /// from the rows already there, so an older store migrates with exact tallies. Two indexes
    /// answer `best` and `trials --sort accuracy` without sorting every trial.
    static let trialTallies = """
        CREATE TABLE trial_tallies (
            state TEXT PRIMARY KEY,
            trials INTEGER NOT NULL DEFAULT 0,
            reused INTEGER NOT NULL DEFAULT 0,
            epochs_saved INTEGER NOT NULL DEFAULT 0,
            trained_budget INTEGER NOT NULL DEFAULT 0,
            reused_budget INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        INSERT INTO trial_tallies (state) VALUES ('queued'), ('running'), ('completed'), ('stopped_early'),
            ('vetoed'), ('incomplete'), ('failed'), ('cancelled');
        UPDATE trial_tallies SET
            trials = (SELECT count(*) FROM trials t WHERE t.state = trial_tallies.state),
            reused = (SELECT count(*) FROM trials t WHERE t.state = trial_tallies.state AND t.reused_from IS NOT NULL),
            epochs_saved = coalesce((SELECT sum(max(0, t.epoch_budget - coalesce(t.stopped_at_epoch, t.epochs_done)))
                FROM trials t WHERE t.state = trial_tallies.state AND t.state = 'stopped_early'
                AND t.reused_from IS NULL), 0),
            trained_budget = coalesce((SELECT sum(t.epoch_budget) FROM trials t
                WHERE t.state = trial_tallies.state AND t.reused_from IS NULL), 0),
            reused_budget = coalesce((SELECT sum(t.epoch_budget) FROM trials t
                WHERE t.state = trial_tallies.state AND t.reused_from IS NOT NULL), 0);
        CREATE TABLE metric_tally (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            epochs INTEGER NOT NULL
        );
        INSERT INTO metric_tally (id, epochs) SELECT 1, count(*) FROM metrics;
        CREATE TRIGGER trial_tallies_insert AFTER INSERT ON trials BEGIN
            UPDATE trial_tallies SET trials = trials + 1, reused = reused + (NEW.reused_from IS NOT NULL),
                epochs_saved = epochs_saved + CASE WHEN NEW.state = 'stopped_early' AND NEW.reused_from IS NULL
                    THEN max(0, NEW.epoch_budget - coalesce(NEW.stopped_at_epoch, NEW.epochs_done)) ELSE 0 END,
                trained_budget = trained_budget + CASE WHEN NEW.reused_from IS NULL THEN NEW.epoch_budget ELSE 0 END,
                reused_budget = reused_budget + CASE WHEN NEW.reused_from IS NULL THEN 0 ELSE NEW.epoch_budget END
            WHERE state = NEW.state;
        END;
        CREATE TRIGGER trial_tallies_update
        AFTER UPDATE OF state, reused_from, epoch_budget, stopped_at_epoch, epochs_done ON trials
        WHEN OLD.state IS NOT NEW.state OR OLD.reused_from IS NOT NEW.reused_from
            OR OLD.epoch_budget IS NOT NEW.epoch_budget OR OLD.stopped_at_epoch IS NOT NEW.stopped_at_epoch
            OR (NEW.state = 'stopped_early' AND OLD.epochs_done IS NOT NEW.epochs_done)
        BEGIN
            UPDATE trial_tallies SET trials = trials - 1, reused = reused - (OLD.reused_from IS NOT NULL),
                epochs_saved = epochs_saved - CASE WHEN OLD.state = 'stopped_early' AND OLD.reused_from IS NULL
                    THEN max(0, OLD.epoch_budget - coalesce(OLD.stopped_at_epoch, OLD.epochs_done)) ELSE 0 END,
                trained_budget = trained_budget - CASE WHEN OLD.reused_from IS NULL THEN OLD.epoch_budget ELSE 0 END,
                reused_budget = reused_budget - CASE WHEN OLD.reused_from IS NULL THEN 0 ELSE OLD.epoch_budget END
            WHERE state = OLD.state;
            UPDATE trial_tallies SET trials = trials + 1, reused = reused + (NEW.reused_from IS NOT NULL),
                epochs_saved = epochs_saved + CASE WHEN NEW.state = 'stopped_early' AND NEW.reused_from IS NULL
                    THEN max(0, NEW.epoch_budget - coalesce(NEW.stopped_at_epoch, NEW.epochs_done)) ELSE 0 END,
                trained_budget = trained_budget + CASE WHEN NEW.reused_from IS NULL THEN NEW.epoch_budget ELSE 0 END,
                reused_budget = reused_budget + CASE WHEN NEW.reused_from IS NULL THEN 0 ELSE NEW.epoch_budget END
            WHERE state = NEW.state;
        END;
        CREATE TRIGGER trial_tallies_delete AFTER DELETE ON trials BEGIN
            UPDATE trial_tallies SET trials = trials - 1, reused = reused - (OLD.reused_from IS NOT NULL),
                epochs_saved = epochs_saved - CASE WHEN OLD.state = 'stopped_early' AND OLD.reused_from IS NULL
                    THEN max(0, OLD.epoch_budget - coalesce(OLD.stopped_at_epoch, OLD.epochs_done)) ELSE 0 END,
                trained_budget = trained_budget - CASE WHEN OLD.reused_from IS NULL THEN OLD.epoch_budget ELSE 0 END,
                reused_budget = reused_budget - CASE WHEN OLD.reused_from IS NULL THEN 0 ELSE OLD.epoch_budget END
            WHERE state = OLD.state;
        END;
        CREATE TRIGGER metric_tally_insert AFTER INSERT ON metrics BEGIN
            UPDATE metric_tally SET epochs = epochs + 1;
        END;
        CREATE TRIGGER metric_tally_delete AFTER DELETE ON metrics BEGIN
            UPDATE metric_tally SET epochs = epochs - 1;
        END;
        CREATE INDEX trials_best ON trials(final_accuracy DESC, id)
            WHERE state = 'completed' AND final_accuracy IS NOT NULL;
        CREATE INDEX trials_by_accuracy ON trials(coalesce(final_accuracy, best_accuracy) DESC, id);
        """

    /// The index that finds a network's finished trials holds the identity key's first 16
    /// characters (64 bits of the canonical hash) instead of the whole 70-to-90-character key: it
    /// was about a tenth of the store. Lookups compare the prefix through the index, then the key.
    ///
    /// The tallies' epochs saved by early stopping count a stopped trial's budget less the epochs
    /// it trained (`max(stopped_at_epoch, epochs_done)`, `TrialRecord.epochsSavedByStopping`), not
    /// less its stop epoch: a decision that waited for its model while the worker trained on saved
    /// only what was left when it came (version 5 counted a trial stopped at 3 after training all
    /// 20 epochs as 17 saved). The triggers are made again with that and the sums recounted.
    static let version6 = """
        DROP INDEX trials_by_identity;
        CREATE INDEX trials_by_identity_prefix ON trials(substr(identity_key, 1, 16));
        DROP TRIGGER trial_tallies_insert;
        DROP TRIGGER trial_tallies_update;
        DROP TRIGGER trial_tallies_delete;
        UPDATE trial_tallies SET epochs_saved = coalesce((SELECT sum(\(saved("t")))
            FROM trials t WHERE t.state = trial_tallies.state AND t.state = 'stopped_early'
            AND t.reused_from IS NULL), 0);
        CREATE TRIGGER trial_tallies_insert AFTER INSERT ON trials BEGIN
            \(tallyChange(of: "NEW", sign: "+"))
        END;
        CREATE TRIGGER trial_tallies_update
        AFTER UPDATE OF state, reused_from, epoch_budget, stopped_at_epoch, epochs_done ON trials
        WHEN OLD.state IS NOT NEW.state OR OLD.reused_from IS NOT NEW.reused_from
            OR OLD.epoch_budget IS NOT NEW.epoch_budget OR OLD.stopped_at_epoch IS NOT NEW.stopped_at_epoch
            OR (NEW.state = 'stopped_early' AND OLD.epochs_done IS NOT NEW.epochs_done)
        BEGIN
            \(tallyChange(of: "OLD", sign: "-"))
            \(tallyChange(of: "NEW", sign: "+"))
        END;
        CREATE TRIGGER trial_tallies_delete AFTER DELETE ON trials BEGIN
            \(tallyChange(of: "OLD", sign: "-"))
        END;
        """

    /// The identity index holds trained trials only (`reused_from IS NULL`): a reuse answers from
    /// the trial it points to, so looking one up never needs the reuses, and a network that random
    /// search draws often (the one-layer `[SM(10)]`: 1,223 rows of 50,000) had every lookup read
    /// and sort all its reuses, a cost that grew with the run.
    static let version7 = """
        DROP INDEX trials_by_identity_prefix;
        CREATE INDEX trials_trained_by_identity_prefix ON trials(substr(identity_key, 1, 16))
            WHERE reused_from IS NULL;
        """

    /// Epochs spent count the epochs trained — each trial's highest stored epoch, summed — rather
    /// than the stored reports: a trainer may report every k-th epoch (epochs must only rise), and
    /// a replayed NAS-Bench-201 cell reports epoch 12 alone, yet trained 12 epochs. Savings were
    /// already counted in epochs (budget less epochs trained), so spent and saved now share a unit
    /// (version 7 counted one report as one epoch: a replay of 12-epoch cells showed 1 spent and 12
    /// saved per veto). A stored epoch adds what it raises its trial's highest epoch by; a deleted
    /// one takes away what it lowers it by.
    static let version8 = """
        DROP TRIGGER metric_tally_insert;
        DROP TRIGGER metric_tally_delete;
        UPDATE metric_tally SET epochs =
            coalesce((SELECT sum(highest) FROM (SELECT max(epoch) AS highest FROM metrics GROUP BY trial_id)), 0);
        CREATE TRIGGER metric_tally_insert AFTER INSERT ON metrics BEGIN
            UPDATE metric_tally SET epochs = epochs + max(0, NEW.epoch - coalesce(
                (SELECT max(epoch) FROM metrics WHERE trial_id = NEW.trial_id AND epoch <> NEW.epoch), 0));
        END;
        CREATE TRIGGER metric_tally_delete AFTER DELETE ON metrics BEGIN
            UPDATE metric_tally SET epochs = epochs - max(0, OLD.epoch - coalesce(
                (SELECT max(epoch) FROM metrics WHERE trial_id = OLD.trial_id), 0));
        END;
        """

    /// The epochs early stopping saved on trial row `row` (when it is stopped early).
    private static func saved(_ row: String) -> String {
        "max(0, \(row).epoch_budget - max(coalesce(\(row).stopped_at_epoch, 0), \(row).epochs_done))"
    }

    /// Adds (`+`) or takes away (`-`) trial row `row` (`NEW` or `OLD`) from its state's tallies.
    private static func tallyChange(of row: String, sign: String) -> String {
        """
        UPDATE trial_tallies SET trials = trials \(sign) 1, reused = reused \(sign) (\(row).reused_from IS NOT NULL),
                epochs_saved = epochs_saved \(sign) CASE WHEN \(row).state = 'stopped_early' AND \(row).reused_from IS NULL
                    THEN \(saved(row)) ELSE 0 END,
                trained_budget = trained_budget \(sign) CASE WHEN \(row).reused_from IS NULL THEN \(row).epoch_budget ELSE 0 END,
                reused_budget = reused_budget \(sign) CASE WHEN \(row).reused_from IS NULL THEN 0 ELSE \(row).epoch_budget END
            WHERE state = \(row).state;
        """
    }
}
