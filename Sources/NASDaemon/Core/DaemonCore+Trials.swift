import Foundation
import NASCore
import NASProtocol
import NASSearch
import NASStore

/// Trial outcomes: epochs, completion, failure and retries, and telling the strategy.
extension DaemonCore {
    func recordEpoch(_ record: EpochRecord, of trialID: TrialID, in run: RunRuntime, now: Moment) throws {
        guard record.validationAccuracy.isFinite, (0...1).contains(record.validationAccuracy) else {
            // Acknowledged (so the worker does not resend it forever) but not stored.
            appendLog(
                [
                    "[nasd] epoch \(record.epoch) ignored: validation accuracy \(record.validationAccuracy) is not in [0, 1]"
                ],
                trial: trialID, in: run)
            return
        }
        let elapsed = run.active[trialID].map { max(0, now.elapsed - $0.countedUntil) } ?? 0
        let outcome = try run.store.recordEpochs([
            EpochReport(trialID: trialID, record: record, trainingSeconds: elapsed)
        ])
        guard outcome.first == .recorded, var job = run.active[trialID] else { return }
        run.epochsSpent = try run.store.epochsSpent()  // one row the triggers keep: epochs trained
        job.trainingSeconds += elapsed
        job.countedUntil = now.elapsed
        job.lease.progressed(now: now.elapsed, duration: options.leaseTimeout)
        if !job.curve.append(record.validationAccuracy, atEpoch: record.epoch) {
            // An epoch at or before the last one (a re-sent or rewound report): read the store's.
            job.curve = CurvePrefix(stored: try run.store.curvePoints(of: trialID))
        }
        run.active[trialID] = job
        // The diverged-trial rule reads a trial's first report: epoch 1 for a trainer that reports
        // every epoch, epoch k for one that reports every k-th.
        if job.curve.epochs == [record.epoch],
            try restartIfDiverged(trialID, epoch: record.epoch, accuracy: record.validationAccuracy, in: run)
        {
            return
        }
        if run.pruner != nil && run.finalPhaseReason == nil {
            try consultPruner(about: trialID, in: run)
        }
    }

    /// MetaQNN's diverged-trial rule (`strategy.diverged_restart`, the original code): a trial
    /// whose accuracy at its first report (`epoch`: 1 for a trainer that reports every epoch) is at
    /// or below `threshold` is restarted from scratch with the learning rate times `factor`ⁱ, at
    /// most `tries` times (not counted against `trial.max_attempts`); then it fails as diverged.
    ///
    /// - Returns: whether the trial was restarted or failed (its job is over).
    private func restartIfDiverged(_ trialID: TrialID, epoch: Int, accuracy: Double, in run: RunRuntime) throws
        -> Bool
    {
        guard let options = run.configuration.strategy.divergedRestart, accuracy <= options.threshold,
            let job = run.active[trialID], let trial = try run.store.trial(trialID)
        else { return false }
        if trial.divergedRestarts < options.tries {
            var life = lifecycle(of: trial, in: run)
            _ = try life.handle(.divergedRestart)
            let next = trial.divergedRestarts + 1
            let rate = options.learningRate(base: Self.baseLearningRate(trial.hyperparameters), restart: next)
            let reason =
                "diverged (accuracy \(accuracy) after epoch \(epoch)): restart \(next) of \(options.tries), learning rate \(rate)"
            stopOnWorker(job, trial: trialID, of: run, reason: reason)
            _ = try run.store.restartDiverged(job: job.jobID, reason: reason)
            run.active[trialID] = nil
            run.queue.insert(trialID, at: 0)
            appendLog(["[nasd] \(reason)"], trial: trialID, in: run)
        } else {
            stopOnWorker(job, trial: trialID, of: run, reason: "diverged")
            try failTrial(
                trialID, in: run,
                reason: "diverged: accuracy \(accuracy) after epoch \(epoch), after \(options.tries) restart(s)")
        }
        return true
    }

    /// The learning rate diverged restarts scale: the trial's `learning_rate`, else the original
    /// MetaQNN code's 0.001.
    static func baseLearningRate(_ hyperparameters: [String: Double]) -> Double {
        hyperparameters["learning_rate"] ?? 0.001
    }

    /// The hyperparameters an attempt trains with: the trial's, with the learning rate of its
    /// diverged restart when it has been restarted.
    func attemptHyperparameters(of trial: TrialRecord, in run: RunRuntime) -> [String: Double] {
        guard trial.divergedRestarts > 0, let options = run.configuration.strategy.divergedRestart else {
            return trial.hyperparameters
        }
        var hyperparameters = trial.hyperparameters
        hyperparameters["learning_rate"] = options.learningRate(
            base: Self.baseLearningRate(trial.hyperparameters), restart: trial.divergedRestarts)
        return hyperparameters
    }

    /// The candidate a trial was created for (its first proposal).
    func candidate(of trialID: TrialID, in run: RunRuntime) throws -> Candidate? {
        guard let proposal = try run.store.proposals(of: trialID).first else { return nil }
        return try JSONDecoder().decode(Candidate.self, from: proposal.candidate)
    }

    func completeTrial(_ trialID: TrialID, in run: RunRuntime, now: Moment) throws {
        if run.pendingStopDecisions.contains(where: { $0.trial == trialID }) {
            run.active[trialID]?.completionPending = true
            return
        }
        let stored = try run.store.curvePoints(of: trialID)
        let curve = CurvePrefix(stored: stored)
        guard let final = curve.values.last else {
            return try retryOrFail(
                trialID, in: run, reason: "the trainer finished without reporting an epoch", jobEnd: .failed)
        }
        let job = run.active[trialID]
        guard let trial = try run.store.trial(trialID) else { return }
        // The job trains to the budget it was dispatched with; a budget raised since (a joining
        // proposal asked for more) is a promotion once it completes.
        var life = TrialLifecycle(
            state: trial.state, attempts: trial.attempts, epochsDone: trial.epochsDone,
            budget: job?.budget ?? trial.epochBudget, maxAttempts: run.configuration.trial.maxAttempts)
        // A curve may be sparse — NAS-Bench-101 records epochs 4, 12, 36, 108 — so the last epoch
        // counts, not the number of points.
        let lastEpoch = curve.lastEpoch
        let action = try life.handle(.trainerExited(lastEpoch: lastEpoch))
        guard action == .complete else {
            // A trainer that exits 0 before its budget has a partial curve that no strategy may
            // take as final: retried like a failure, and `incomplete` once attempts run out.
            let reason = "the trainer exited successfully after \(lastEpoch) of \(life.budget) epochs"
            appendLog(["[nasd] \(reason)"], trial: trialID, in: run)
            return try carryOut(action, of: trialID, in: run, reason: reason, jobEnd: .failed)
        }
        try run.store.inTransaction {
            _ = try run.store.finishTrial(trialID, outcome: .completed(finalAccuracy: final), job: job?.jobID)
            try deliverOutcome(
                TrialResult(outcome: .completed(curve: curve.values), epochs: curve.epochs), of: trialID, in: run)
            try promoteIfAsked(trialID, in: run)
        }
        run.active[trialID] = nil
        // Final-phase trials are reported apart: they set no search best and teach no predictor.
        guard run.finalPhaseReason == nil else { return }
        run.bestAccuracy = max(run.bestAccuracy ?? final, final)
        run.standing.record(final)
        run.pendingStopDecisions.removeAll { $0.trial == trialID }
        if run.stopRule != nil || run.prior != nil,
            let candidate = try job?.candidate ?? candidate(of: trialID, in: run)
        {
            learn(candidate, curve: curve, in: run)
        }
    }

    /// A stored trial's lifecycle under the run's `trial.max_attempts`.
    func lifecycle(of trial: TrialRecord, in run: RunRuntime) -> TrialLifecycle {
        TrialLifecycle(trial, maxAttempts: run.configuration.trial.maxAttempts)
    }

    /// Gives a trial whose job ended without a result another attempt, or ends it past the limit
    /// as `failed` (the lifecycle's `jobEnded`); a `permanent` failure (the worker's trainer can
    /// never train this network) ends it at once (`failedForGood`).
    func retryOrFail(
        _ trialID: TrialID, in run: RunRuntime, reason: String, jobEnd: JobState, permanent: Bool = false
    ) throws {
        guard run.active[trialID] != nil, let trial = try run.store.trial(trialID) else { return }
        var life = lifecycle(of: trial, in: run)
        if permanent {
            _ = try life.handle(.failedForGood)
            return try failTrial(trialID, in: run, reason: "\(reason) (not retried: no attempt can train it)")
        }
        try carryOut(try life.handle(.jobEnded(refund: false)), of: trialID, in: run, reason: reason, jobEnd: jobEnd)
    }

    /// Carries out the lifecycle's answer to a job that ended without a result: requeue it, or end
    /// the trial (`failed`, `incomplete`).
    private func carryOut(
        _ action: TrialLifecycle.Action, of trialID: TrialID, in run: RunRuntime, reason: String, jobEnd: JobState
    ) throws {
        guard let job = run.active[trialID] else { return }
        switch action {
        case .requeue:
            try run.store.inTransaction {
                _ = try run.store.requeue(job: job.jobID, endingAs: jobEnd)
                _ = try run.store.appendEvent(
                    kind: "trial.retry", trialID: trialID, detail: Self.jsonDetail(reason))
            }
            run.active[trialID] = nil
            run.queue.insert(trialID, at: 0)
            log("run '\(run.name)': trial \(trialID.rawValue) attempt \(job.attempt) ended (\(reason)); requeued")
        case .finish(let state):
            let attempts = run.configuration.trial.maxAttempts
            try failTrial(
                trialID, in: run, reason: "\(reason) (after \(attempts) attempt\(attempts == 1 ? "" : "s"))",
                as: state)
        default:
            throw TrialLifecycle.UnexpectedAction(action: action, context: "a job of trial \(trialID) ended")
        }
    }

    /// Fails a trial for good (`failed`, or `incomplete`) and tells the strategy it failed.
    func failTrial(_ trialID: TrialID, in run: RunRuntime, reason: String, as state: TrialState = .failed) throws {
        let job = run.active[trialID]?.jobID
        let outcome: NASStore.TrialOutcome =
            state == .incomplete ? .incomplete(reason: reason) : .failed(reason: reason)
        try run.store.inTransaction {
            _ = try run.store.finishTrial(trialID, outcome: outcome, job: job)
            try deliverOutcome(.failed(reason: reason), of: trialID, in: run)
        }
        run.active[trialID] = nil
        run.queue.removeAll { $0 == trialID }
        // A failed trial is never resumed or promoted (docs/hyperband.md, "Checkpoints").
        actions.append(.removeCheckpoints(URL(fileURLWithPath: run.checkpointDirectory(for: trialID))))
        log("run '\(run.name)': trial \(trialID.rawValue) failed: \(reason)")
    }

    /// Tells the strategy the outcome of every proposal the trial answers that it has not seen:
    /// each gets the result cut at its own budget; a proposal for more epochs than the trial
    /// reached is not answered yet (the trial is promoted for it).
    func deliverOutcome(_ result: TrialResult, of trialID: TrialID, in run: RunRuntime) throws {
        let proposals = try run.store.proposals(of: trialID).filter { !$0.isObserved }
        var delivered: [Int] = []
        for proposal in proposals {
            let candidate = try run.decoded.candidate(of: proposal)
            guard let outcome = result.answer(forBudget: candidate.budget) else { continue }
            run.strategy.observe(Observation(proposalID: proposal.proposalID, candidate: candidate, outcome: outcome))
            delivered.append(proposal.proposalID)
        }
        guard !delivered.isEmpty else { return }
        try run.store.markProposalsObserved(delivered)
        run.decoded.forget(proposals: delivered)
        run.strategyChanged = true
        run.isWaitingForResults = false
    }

    /// Delivers an outcome that answers every budget (a failure, a veto).
    func deliverOutcome(_ outcome: NASSearch.TrialOutcome, of trialID: TrialID, in run: RunRuntime) throws {
        try deliverOutcome(TrialResult(outcome: outcome, epochs: []), of: trialID, in: run)
    }

    /// Promotes a completed trial when proposals for more epochs wait on it: it is queued first
    /// and trains on from its last stored epoch to the largest budget asked for.
    func promoteIfAsked(_ trialID: TrialID, in run: RunRuntime) throws {
        let waiting = try run.store.proposals(of: trialID).filter { !$0.isObserved }
        guard !waiting.isEmpty, let trial = try run.store.trial(trialID), trial.state == .completed else { return }
        let wanted = try waiting.map { try run.decoded.candidate(of: $0).budget }.max() ?? 0
        var life = lifecycle(of: trial, in: run)
        guard case .promote(let budget) = try life.handle(.requested(budget: wanted)) else { return }
        _ = try run.store.promoteTrial(trialID, toBudget: budget)
        run.queue.insert(trialID, at: 0)
        log("run '\(run.name)': trial \(trialID.rawValue) promoted from \(trial.epochsDone) to \(budget) epochs")
    }

    /// The result a finished trial stands for, to deliver to proposals that reuse it (read from
    /// the trial that was trained, when this one is itself a reuse).
    func result(of trial: TrialRecord, in run: RunRuntime) throws -> TrialResult? {
        let trained = trial.reusedFrom ?? trial.id
        switch trial.state {
        case .completed:
            let epochs = try run.store.curvePoints(of: trained)
            return TrialResult(
                outcome: .completed(curve: epochs.map(\.validationAccuracy)), epochs: epochs.map(\.epoch))
        case .stoppedEarly:
            let epochs = try run.store.curvePoints(of: trained).filter { $0.epoch <= trial.stoppedAtEpoch ?? Int.max }
            return TrialResult(
                outcome: .stoppedEarly(
                    curve: epochs.map(\.validationAccuracy), predicted: trial.stopPrediction?.accuracy ?? 0,
                    sigma: trial.stopPrediction?.sigma ?? 0),
                epochs: epochs.map(\.epoch))
        case .vetoed:
            return TrialResult(outcome: .vetoed(predicted: trial.priorPrediction?.accuracy ?? 0), epochs: [])
        case .failed, .incomplete:
            return TrialResult(outcome: .failed(reason: trial.failureReason ?? trial.state.rawValue), epochs: [])
        case .queued, .running, .cancelled:
            return nil
        }
    }

    /// A one-field JSON object for event details.
    static func jsonDetail(_ reason: String) -> String {
        let data = (try? JSONEncoder().encode(["reason": reason])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
