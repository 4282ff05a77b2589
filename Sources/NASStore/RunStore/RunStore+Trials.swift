import Foundation
import NASCore

/// Trials: proposal, dispatch under a lease, requeue, outcome, and the read views.
extension RunStore {
    /// The `trials` columns in the order `decodeTrial` reads them.
    static let trialColumns = """
        id, canonical_notation, proposed_notation, identity_key, hyperparameters, epoch_budget, state, attempts,
        source, prior_accuracy, prior_sigma, prior_model_version, stop_accuracy, stop_sigma, stop_model_version,
        stopped_at_epoch, final_accuracy, best_accuracy, epochs_done, training_seconds, created_at, started_at,
        finished_at, last_progress_at, worker_id, failure_reason, reused_from, diverged_restarts, phase, final_of,
        final_seed
        """

    /// The `jobs` columns in the order `decodeJob` reads them.
    static let jobColumns = """
        id, trial_id, attempt, worker_id, lease_deadline, state, start_epoch, end_epoch, dispatched_at, ended_at
        """

    // MARK: Proposing

    /// Stores a candidate as a queued trial.
    ///
    /// - Returns: The stored trial, with its new id.
    /// - Throws: `RunStoreError.duplicateInFlightTrial` when an identical trial is queued or running
    ///   (join it instead); `DatabaseError` on failure.
    @discardableResult
    public func insertTrial(_ trial: NewTrial) throws -> TrialRecord {
        try inTransaction {
            if let existing = try findInFlightTrial(identityKey: trial.identityKey) {
                throw RunStoreError.duplicateInFlightTrial(identityKey: trial.identityKey, existing: existing.id)
            }
            try database.execute(
                """
                INSERT INTO trials (canonical_notation, proposed_notation, identity_key, hyperparameters,
                    epoch_budget, state, source, prior_accuracy, prior_sigma, prior_model_version, created_at, phase,
                    final_of, final_seed)
                VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    trial.canonicalNotation, trial.storedProposedNotation, trial.identityKey,
                    NumberDictionaryJSON.encode(trial.hyperparameters), trial.epochBudget, trial.source,
                    trial.priorPrediction?.accuracy, trial.priorPrediction?.sigma,
                    trial.priorPrediction?.modelVersion, now(), trial.phase, trial.finalTrial?.rawValue,
                    trial.finalSeed,
                ])
            // No event: the row's `created_at` and `source` say when and why it was queued (an
            // event repeating them cost about 70 bytes a trial).
            return try requireTrial(TrialID(rawValue: database.lastInsertedRowID))
        }
    }

    /// Stores a candidate whose identical twin already finished, reusing the twin's result
    /// instead of training it again (as MetaQNN does).
    ///
    /// The new trial takes the original's state and accuracies and points to it in `reusedFrom`
    /// (to the trial that was actually trained, when the original was itself a reuse).
    ///
    /// - Returns: The stored trial.
    /// - Throws: `RunStoreError.nothingToReuse` unless the original is completed, stopped early or
    ///   vetoed; `RunStoreError.unknownTrial`.
    @discardableResult
    public func insertReusedTrial(_ trial: NewTrial, reusing originalID: TrialID) throws -> TrialRecord {
        try inTransaction {
            let original = try requireTrial(originalID)
            guard original.state.hasReusableResult else {
                throw RunStoreError.nothingToReuse(originalID, state: original.state)
            }
            let time = now()
            let prior = original.priorPrediction ?? trial.priorPrediction
            try database.execute(
                """
                INSERT INTO trials (canonical_notation, proposed_notation, identity_key, hyperparameters,
                    epoch_budget, state, source, prior_accuracy, prior_sigma, prior_model_version, stop_accuracy,
                    stop_sigma, stop_model_version, stopped_at_epoch, final_accuracy, best_accuracy, epochs_done,
                    created_at, finished_at, reused_from, phase)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    trial.canonicalNotation, trial.storedProposedNotation, trial.identityKey,
                    NumberDictionaryJSON.encode(trial.hyperparameters), trial.epochBudget, original.state.rawValue,
                    trial.source, prior?.accuracy, prior?.sigma, prior?.modelVersion,
                    original.stopPrediction?.accuracy, original.stopPrediction?.sigma,
                    original.stopPrediction?.modelVersion, original.stoppedAtEpoch, original.finalAccuracy,
                    original.bestAccuracy, original.epochsDone, time, time,
                    (original.reusedFrom ?? original.id).rawValue, trial.phase,
                ])
            let id = TrialID(rawValue: database.lastInsertedRowID)
            try appendEvent(
                kind: "trial.reused", trialID: id,
                detail: EventDetail.make(["from": .integer((original.reusedFrom ?? original.id).rawValue)]))
            return try requireTrial(id)
        }
    }

    // MARK: Dispatch and leases

    /// Moves a queued trial to `running` and records the dispatch as a job with a lease.
    ///
    /// The trial's `attempts` counts dispatches: this call makes it `attempts + 1`, which is also
    /// the job's `attempt`.
    ///
    /// - Parameters:
    ///   - trialID: The trial to dispatch.
    ///   - workerID: The worker (and slot) it goes to.
    ///   - leaseDeadline: When the lease runs out unless extended.
    ///   - startEpoch: The epoch training starts from (0 for a fresh start).
    /// - Returns: The new job.
    /// - Throws: `RunStoreError.illegalTransition` unless the trial is queued; `unknownTrial`.
    @discardableResult
    public func dispatchTrial(
        _ trialID: TrialID, to workerID: String, leaseDeadline: Date, startEpoch: Int = 0
    ) throws -> JobRecord {
        try inTransaction {
            let trial = try requireTrial(trialID)
            guard trial.state.canTransition(to: .running) else {
                throw RunStoreError.illegalTransition(trial: trialID, from: trial.state, to: .running)
            }
            // The job's number among the trial's jobs; `trials.attempts` is what counts against the
            // limit, and a refunded requeue lowers it without reusing a job number.
            let attempt =
                try database.cachedStatement("SELECT coalesce(max(attempt), 0) + 1 FROM jobs WHERE trial_id = ?")
                .firstRow([trialID.rawValue]) { $0.int(at: 0) } ?? 1
            let time = now()
            try database.execute(
                """
                UPDATE trials SET state = 'running', attempts = attempts + 1, worker_id = ?,
                    started_at = coalesce(started_at, ?), last_progress_at = ?
                WHERE id = ?
                """, [workerID, time, time, trialID.rawValue])
            try database.execute(
                """
                INSERT INTO jobs (trial_id, attempt, worker_id, lease_deadline, state, start_epoch, dispatched_at)
                VALUES (?, ?, ?, ?, 'running', ?, ?)
                """,
                [trialID.rawValue, attempt, workerID, leaseDeadline.timeIntervalSince1970, startEpoch, time])
            let job = JobRecord(
                id: JobID(rawValue: database.lastInsertedRowID), trialID: trialID, attempt: attempt,
                workerID: workerID, leaseDeadline: leaseDeadline, state: .running, startEpoch: startEpoch,
                endEpoch: nil, dispatchedAt: Date(timeIntervalSince1970: time), endedAt: nil)
            try appendEvent(
                kind: "trial.dispatched", trialID: trialID,
                detail: EventDetail.make([
                    "job": .integer(job.id.rawValue), "worker": .text(workerID), "attempt": .integer(Int64(attempt)),
                ]))
            return job
        }
    }

    /// Moves a running job's lease deadline (a heartbeat or progress arrived).
    ///
    /// - Throws: `RunStoreError.jobNotRunning` when the job has ended; `unknownJob`.
    public func extendLease(_ jobID: JobID, until deadline: Date) throws {
        try database.execute(
            "UPDATE jobs SET lease_deadline = ? WHERE id = ? AND state = 'running'",
            [deadline.timeIntervalSince1970, jobID.rawValue])
        if database.changes == 0 {
            let job = try requireJob(jobID)
            throw RunStoreError.jobNotRunning(jobID, state: job.state)
        }
    }

    /// Ends a running job without an outcome (lease expired, worker lost, retryable trainer error)
    /// and puts its trial back in the queue.
    ///
    /// Whether the trial has attempts left is the scheduler's decision: past the limit it calls
    /// `finishTrial(_:outcome:job:)` with `.failed` instead.
    ///
    /// - Parameters:
    ///   - jobID: The running job.
    ///   - endState: How the job ended (`.expired` or `.failed`).
    ///   - refundingAttempt: Whether the attempt should not count against the trial's limit (the
    ///     daemon itself took the job back, e.g. when its local workers shut down with it).
    /// - Returns: The requeued trial.
    /// - Throws: `RunStoreError.jobNotRunning`, `unknownJob`, or `illegalTransition`.
    @discardableResult
    public func requeue(
        job jobID: JobID, endingAs endState: JobState = .expired, refundingAttempt: Bool = false
    ) throws -> TrialRecord {
        try inTransaction {
            let job = try requireJob(jobID)
            guard job.state == .running else { throw RunStoreError.jobNotRunning(jobID, state: job.state) }
            let trial = try requireTrial(job.trialID)
            guard trial.state.canTransition(to: .queued) else {
                throw RunStoreError.illegalTransition(trial: trial.id, from: trial.state, to: .queued)
            }
            try endJob(jobID, as: endState, endEpoch: trial.epochsDone)
            try database.execute(
                "UPDATE trials SET state = 'queued', attempts = max(0, attempts - ?) WHERE id = ?",
                [refundingAttempt ? 1 : 0, trial.id.rawValue])
            try appendEvent(
                kind: "trial.requeued", trialID: trial.id,
                detail: EventDetail.make([
                    "job": .integer(jobID.rawValue), "job_state": .text(endState.rawValue),
                    "attempt": .integer(Int64(job.attempt)),
                ]))
            return try requireTrial(trial.id)
        }
    }

    /// Restarts a trial whose first epoch shows it diverged (MetaQNN's original code): its job
    /// ends, its epochs are discarded (the next attempt trains from scratch with a smaller
    /// learning rate), `divergedRestarts` goes up by one, and it is queued again without using an
    /// attempt.
    ///
    /// - Throws: `RunStoreError.jobNotRunning`, `illegalTransition`.
    @discardableResult
    public func restartDiverged(job jobID: JobID, reason: String) throws -> TrialRecord {
        try inTransaction {
            let job = try requireJob(jobID)
            guard job.state == .running else { throw RunStoreError.jobNotRunning(jobID, state: job.state) }
            let trial = try requireTrial(job.trialID)
            try endJob(jobID, as: .stopped, endEpoch: trial.epochsDone)
            try database.execute("DELETE FROM metrics WHERE trial_id = ?", [trial.id.rawValue])
            try database.execute(
                """
                UPDATE trials SET state = 'queued', attempts = max(0, attempts - 1), epochs_done = 0,
                    best_accuracy = NULL, diverged_restarts = diverged_restarts + 1
                WHERE id = ?
                """, [trial.id.rawValue])
            try appendEvent(
                kind: "trial.restarted", trialID: trial.id,
                detail: EventDetail.make([
                    "restart": .integer(Int64(trial.divergedRestarts + 1)), "reason": .text(reason),
                ]))
            return try requireTrial(trial.id)
        }
    }

    // MARK: Outcomes

    /// Ends a trial: completed, stopped early, vetoed, failed or cancelled; ends its running job too.
    ///
    /// - Parameters:
    ///   - trialID: The trial.
    ///   - outcome: How it ended, with its accuracy or reason.
    ///   - jobID: The job reporting the outcome, when a worker reports it: the call is refused
    ///     unless that job is still the trial's running job, so a worker whose lease expired cannot
    ///     finish a trial that was dispatched again elsewhere.
    /// - Returns: The updated trial.
    /// - Throws: `RunStoreError.illegalTransition` (e.g. completing a queued or finished trial),
    ///   `jobNotRunning`, `unknownTrial`.
    @discardableResult
    public func finishTrial(_ trialID: TrialID, outcome: TrialOutcome, job jobID: JobID? = nil) throws -> TrialRecord {
        try inTransaction {
            let trial = try requireTrial(trialID)
            let next = outcome.state
            guard trial.state.canTransition(to: next) else {
                throw RunStoreError.illegalTransition(trial: trialID, from: trial.state, to: next)
            }
            if let jobID {
                let job = try requireJob(jobID)
                guard job.state == .running, job.trialID == trialID else {
                    throw RunStoreError.jobNotRunning(jobID, state: job.state)
                }
            }
            var finalAccuracy: Double?
            var prior: Prediction?
            var stop: Prediction?
            var stoppedAt: Int?
            var reason: String?
            var detail: [String: DatabaseValue] = [:]
            switch outcome {
            case .completed(let accuracy):
                finalAccuracy = accuracy
                detail["accuracy"] = .real(accuracy)
            case .stoppedEarly(let prediction, let epoch):
                stop = prediction
                stoppedAt = epoch
                detail["predicted"] = .real(prediction.accuracy)
                detail["epoch"] = .integer(Int64(epoch))
            case .vetoed(let prediction):
                prior = prediction
                detail["predicted"] = .real(prediction.accuracy)
            case .incomplete(let text), .failed(let text), .cancelled(let text):
                reason = text
                detail["reason"] = .text(text)
            }
            if let sigma = (stop ?? prior)?.sigma { detail["sigma"] = .real(sigma) }
            if let version = (stop ?? prior)?.modelVersion { detail["model_version"] = .integer(Int64(version)) }
            try database.execute(
                """
                UPDATE trials SET state = ?, finished_at = ?, final_accuracy = coalesce(?, final_accuracy),
                    best_accuracy = CASE WHEN ? IS NULL THEN best_accuracy
                        ELSE max(coalesce(best_accuracy, ?), ?) END,
                    prior_accuracy = coalesce(?, prior_accuracy), prior_sigma = coalesce(?, prior_sigma),
                    prior_model_version = coalesce(?, prior_model_version),
                    stop_accuracy = ?, stop_sigma = ?, stop_model_version = ?, stopped_at_epoch = ?,
                    failure_reason = ?
                WHERE id = ?
                """,
                [
                    next.rawValue, now(), finalAccuracy, finalAccuracy, finalAccuracy, finalAccuracy,
                    prior?.accuracy, prior?.sigma, prior?.modelVersion, stop?.accuracy, stop?.sigma,
                    stop?.modelVersion, stoppedAt, reason, trialID.rawValue,
                ])
            for job in try jobs(of: trialID) where job.state == .running {
                try endJob(job.id, as: outcome.jobState, endEpoch: trial.epochsDone)
            }
            try appendEvent(kind: "trial.\(next.rawValue)", trialID: trialID, detail: EventDetail.make(detail))
            return try requireTrial(trialID)
        }
    }

    /// Records the prior's estimate for a trial it admitted (a vetoed trial gets it with its
    /// outcome), so that every trial carries the prior's prediction, vetoed or not.
    ///
    /// - Throws: `RunStoreError.unknownTrial`; `DatabaseError`.
    public func recordPriorPrediction(_ prediction: Prediction, of trialID: TrialID) throws {
        try database.execute(
            "UPDATE trials SET prior_accuracy = ?, prior_sigma = ?, prior_model_version = ? WHERE id = ?",
            [prediction.accuracy, prediction.sigma, prediction.modelVersion, trialID.rawValue])
        guard database.changes == 1 else { throw RunStoreError.unknownTrial(trialID) }
    }

    /// Promotes a completed trial to a larger budget: it is queued again and trains on from its
    /// last stored epoch, keeping its curve (Hyperband's promotion, issue 6 §4). Its `attempts`
    /// start again at 0: `trial.max_attempts` bounds the failures of each stage of training, so a
    /// trial promoted twice still has its retries for the third stage (a promotion is new work,
    /// not a retry).
    ///
    /// - Throws: `RunStoreError.illegalTransition` unless it is completed and `budget` is larger.
    @discardableResult
    public func promoteTrial(_ trialID: TrialID, toBudget budget: Int) throws -> TrialRecord {
        try inTransaction {
            let trial = try requireTrial(trialID)
            guard trial.state == .completed, budget > trial.epochsDone else {
                throw RunStoreError.illegalTransition(trial: trialID, from: trial.state, to: .queued)
            }
            try database.execute(
                """
                UPDATE trials SET state = 'queued', epoch_budget = max(epoch_budget, ?), finished_at = NULL,
                    final_accuracy = NULL, attempts = 0
                WHERE id = ?
                """, [budget, trialID.rawValue])
            try appendEvent(
                kind: "trial.promoted", trialID: trialID,
                detail: EventDetail.make([
                    "from": .integer(Int64(trial.epochsDone)), "to": .integer(Int64(budget)),
                ]))
            return try requireTrial(trialID)
        }
    }

    /// Raises an in-flight trial's budget (a joining proposal asks for more epochs): a queued
    /// trial then trains to it directly, a running one is promoted when its current job completes.
    public func raiseBudget(of trialID: TrialID, to budget: Int) throws {
        try database.execute(
            """
            UPDATE trials SET epoch_budget = max(epoch_budget, ?)
            WHERE id = ? AND state IN ('queued', 'running')
            """, [budget, trialID.rawValue])
    }

    /// Marks a queued trial as waiting for the prior's model `version` (it is dispatched only once
    /// that model has judged it), so a restart knows which model must judge it.
    public func markAwaitingPrior(_ trialID: TrialID, version: Int) throws {
        try database.execute(
            "UPDATE trials SET prior_model_version = ? WHERE id = ? AND prior_accuracy IS NULL",
            [version, trialID.rawValue])
    }

    /// The prior model version a queued trial waits for, if it waits for one.
    public func awaitedPriorVersion(of trialID: TrialID) throws -> Int? {
        try database.cachedStatement(
            "SELECT prior_model_version FROM trials WHERE id = ? AND prior_accuracy IS NULL AND state = 'queued'"
        ).firstRow([trialID.rawValue]) { $0.optionalInt(at: 0) } ?? nil
    }

    private func endJob(_ jobID: JobID, as state: JobState, endEpoch: Int) throws {
        try database.execute(
            "UPDATE jobs SET state = ?, ended_at = ?, end_epoch = ? WHERE id = ?",
            [state.rawValue, now(), endEpoch, jobID.rawValue])
    }

    // MARK: Reading trials

    /// The trial with this id, or `nil`.
    public func trial(_ id: TrialID) throws -> TrialRecord? {
        try database.cachedStatement("SELECT \(Self.trialColumns) FROM trials WHERE id = ?")
            .firstRow([id.rawValue], decodeTrial)
    }

    /// Trials in proposal order, optionally only those in `states`.
    public func trials(in states: Set<TrialState>? = nil) throws -> [TrialRecord] {
        guard let states else {
            return try database.cachedStatement("SELECT \(Self.trialColumns) FROM trials ORDER BY id")
                .rows([], decodeTrial)
        }
        if states.isEmpty { return [] }
        let names = states.map(\.rawValue).sorted()
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        return try database.cachedStatement(
            "SELECT \(Self.trialColumns) FROM trials WHERE state IN (\(placeholders)) ORDER BY id"
        ).rows(names, decodeTrial)
    }

    /// The trained trial (not a reuse) with this identity that finished with a reusable result
    /// (completed, stopped early or vetoed): the one trained furthest, then the earliest.
    ///
    /// Reuses are left out: each points to a trained trial (`reusedFrom`), which answers for it.
    /// When that trial is training again (promoted), `findInFlightTrial` finds it.
    public func findFinishedTrial(identityKey: String) throws -> TrialRecord? {
        try database.cachedStatement(Self.finishedTrialQuery).firstRow([identityKey], decodeTrial)
    }

    /// `findFinishedTrial`'s query, which searches `trials_trained_by_identity_prefix` (the
    /// `reused_from IS NULL` term lets the planner use that partial index). The unary `+` keeps
    /// the whole-key and state terms off the planner's index choice: given them, SQLite scanned
    /// the table (or `trials_by_state`) instead — 32 ms a lookup at 29,000 trials, not 0.01.
    static let finishedTrialQuery = """
        SELECT \(trialColumns) FROM trials
        WHERE substr(identity_key, 1, 16) = substr(?1, 1, 16) AND reused_from IS NULL
            AND +identity_key = ?1 AND +state IN ('completed', 'stopped_early', 'vetoed')
        ORDER BY epochs_done DESC, id LIMIT 1
        """

    /// The queued or running trial with this identity (at most one exists), if any.
    public func findInFlightTrial(identityKey: String) throws -> TrialRecord? {
        try database.cachedStatement(
            """
            SELECT \(Self.trialColumns) FROM trials
            WHERE identity_key = ? AND state IN ('queued', 'running') LIMIT 1
            """
        ).firstRow([identityKey], decodeTrial)
    }

    /// The completed trial with the highest final accuracy (the earliest on ties), if any.
    /// Whether any trial carries a prediction of the prior (an index-free scan that stops at the
    /// first such trial; a run without a prior reads every row once, without decoding them).
    public func hasPriorPredictions() throws -> Bool {
        try database.cachedStatement("SELECT EXISTS (SELECT 1 FROM trials WHERE prior_accuracy IS NOT NULL)")
            .firstRow([]) { $0.int64(at: 0) != 0 } ?? false
    }

    public func bestTrial() throws -> TrialRecord? {
        try database.cachedStatement(
            """
            SELECT \(Self.trialColumns) FROM trials INDEXED BY trials_best
            WHERE state = 'completed' AND final_accuracy IS NOT NULL AND final_of IS NULL
            ORDER BY final_accuracy DESC, id LIMIT 1
            """
        ).firstRow([], decodeTrial)
    }

    /// The number of trials in each state (every state present, zero when none), from the tallies.
    public func trialCounts() throws -> [TrialState: Int] {
        try tallies().counts
    }

    func requireTrial(_ id: TrialID) throws -> TrialRecord {
        guard let trial = try trial(id) else { throw RunStoreError.unknownTrial(id) }
        return trial
    }

    func decodeTrial(_ row: Statement) throws -> TrialRecord {
        let stateText = row.string(at: 6)
        guard let state = TrialState(rawValue: stateText) else {
            throw RunStoreError.corruptValue(table: "trials", column: "state", value: stateText)
        }
        let hyperparametersText = row.string(at: 4)
        guard let hyperparameters = NumberDictionaryJSON.decode(hyperparametersText) else {
            throw RunStoreError.corruptValue(table: "trials", column: "hyperparameters", value: hyperparametersText)
        }
        let canonical = row.string(at: 1)
        let proposed = row.string(at: 2)
        return TrialRecord(
            id: TrialID(rawValue: row.int64(at: 0)), canonicalNotation: canonical,
            proposedNotation: proposed.isEmpty ? canonical : proposed, identityKey: row.string(at: 3),
            hyperparameters: hyperparameters,
            epochBudget: row.int(at: 5), state: state, attempts: row.int(at: 7), source: row.string(at: 8),
            priorPrediction: Self.prediction(row, at: 9), stopPrediction: Self.prediction(row, at: 12),
            stoppedAtEpoch: row.optionalInt(at: 15), finalAccuracy: row.optionalDouble(at: 16),
            bestAccuracy: row.optionalDouble(at: 17), epochsDone: row.int(at: 18), trainingSeconds: row.double(at: 19),
            createdAt: Date(timeIntervalSince1970: row.double(at: 20)),
            startedAt: row.optionalDouble(at: 21).map(Date.init(timeIntervalSince1970:)),
            finishedAt: row.optionalDouble(at: 22).map(Date.init(timeIntervalSince1970:)),
            lastProgressAt: row.optionalDouble(at: 23).map(Date.init(timeIntervalSince1970:)),
            workerID: row.optionalString(at: 24), failureReason: row.optionalString(at: 25),
            reusedFrom: row.optionalInt64(at: 26).map(TrialID.init(rawValue:)), divergedRestarts: row.int(at: 27),
            phase: row.optionalString(at: 28), finalOf: row.optionalInt64(at: 29).map(TrialID.init(rawValue:)),
            finalSeed: row.optionalInt(at: 30))
    }

    /// The prediction in columns `index` (accuracy), `index + 1` (σ), `index + 2` (model version).
    private static func prediction(_ row: Statement, at index: Int) -> Prediction? {
        row.optionalDouble(at: index).map {
            Prediction(
                accuracy: $0, sigma: row.optionalDouble(at: index + 1), modelVersion: row.optionalInt(at: index + 2))
        }
    }

    // MARK: Reading jobs

    /// The job with this id, or `nil`.
    public func job(_ id: JobID) throws -> JobRecord? {
        try database.cachedStatement("SELECT \(Self.jobColumns) FROM jobs WHERE id = ?")
            .firstRow([id.rawValue], decodeJob)
    }

    /// Every dispatch attempt of a trial, in order.
    public func jobs(of trialID: TrialID) throws -> [JobRecord] {
        try database.cachedStatement("SELECT \(Self.jobColumns) FROM jobs WHERE trial_id = ? ORDER BY id")
            .rows([trialID.rawValue], decodeJob)
    }

    /// The jobs still marked running, in dispatch order.
    ///
    /// After a crash these are the trials that were on workers: the daemon re-attaches the ones
    /// whose workers reconnect and `requeue(job:endingAs:)`s the rest when their leases run out.
    public func runningJobs() throws -> [JobRecord] {
        try database.cachedStatement("SELECT \(Self.jobColumns) FROM jobs WHERE state = 'running' ORDER BY id")
            .rows([], decodeJob)
    }

    /// The running jobs whose lease deadline is before `time`, earliest deadline first.
    public func expiredJobs(asOf time: Date) throws -> [JobRecord] {
        try database.cachedStatement(
            """
            SELECT \(Self.jobColumns) FROM jobs WHERE state = 'running' AND lease_deadline < ?
            ORDER BY lease_deadline, id
            """
        ).rows([time.timeIntervalSince1970], decodeJob)
    }

    func requireJob(_ id: JobID) throws -> JobRecord {
        guard let job = try job(id) else { throw RunStoreError.unknownJob(id) }
        return job
    }

    func decodeJob(_ row: Statement) throws -> JobRecord {
        let stateText = row.string(at: 5)
        guard let state = JobState(rawValue: stateText) else {
            throw RunStoreError.corruptValue(table: "jobs", column: "state", value: stateText)
        }
        return JobRecord(
            id: JobID(rawValue: row.int64(at: 0)), trialID: TrialID(rawValue: row.int64(at: 1)),
            attempt: row.int(at: 2), workerID: row.string(at: 3),
            leaseDeadline: Date(timeIntervalSince1970: row.double(at: 4)), state: state,
            startEpoch: row.int(at: 6), endEpoch: row.optionalInt(at: 7),
            dispatchedAt: Date(timeIntervalSince1970: row.double(at: 8)),
            endedAt: row.optionalDouble(at: 9).map(Date.init(timeIntervalSince1970:)))
    }
}
