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
        run.epochsSpent += 1
        job.trainingSeconds += elapsed
        job.countedUntil = now.elapsed
        job.lease.progressed(now: now.elapsed, duration: options.leaseTimeout)
        if record.epoch == job.curve.count + 1 {
            job.curve.append(record.validationAccuracy)
        } else {
            job.curve = try run.store.curve(of: trialID)
        }
        run.active[trialID] = job
        if run.pruner != nil {
            try consultPruner(about: trialID, in: run)
        }
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
        let stored = try run.store.epochs(of: trialID)
        let curve = stored.map(\.validationAccuracy)
        guard let final = curve.last else {
            return try retryOrFail(
                trialID, in: run, reason: "the trainer finished without reporting an epoch", jobEnd: .failed,
                now: now)
        }
        let job = run.active[trialID]
        let budget = try job?.budget ?? run.store.trial(trialID)?.epochBudget ?? curve.count
        let lastEpoch = stored.last?.epoch ?? 0
        if lastEpoch < budget {
            // A trainer that exits 0 before its budget has a partial curve that no strategy may
            // take as final: retried like a failure, and `incomplete` once attempts run out. (A
            // curve may be sparse — NAS-Bench-101 records epochs 4, 12, 36, 108 — so the last
            // epoch counts, not the number of points.)
            let reason = "the trainer exited successfully after \(lastEpoch) of \(budget) epochs"
            appendLog(["[nasd] \(reason)"], trial: trialID, in: run)
            return try retryOrFail(trialID, in: run, reason: reason, jobEnd: .failed, now: now, finalState: .incomplete)
        }
        try run.store.inTransaction {
            _ = try run.store.finishTrial(trialID, outcome: .completed(finalAccuracy: final), job: job?.jobID)
            try deliverOutcome(.completed(curve: curve), of: trialID, in: run)
        }
        run.active[trialID] = nil
        run.bestAccuracy = max(run.bestAccuracy ?? final, final)
        run.standing.record(final)
        run.pendingStopDecisions.removeAll { $0.trial == trialID }
        if run.stopRule != nil || run.prior != nil,
            let candidate = try job?.candidate ?? candidate(of: trialID, in: run)
        {
            learn(candidate, curve: curve, in: run)
        }
    }

    /// Gives a trial whose job ended without a result another attempt, or ends it past the limit
    /// as `failed` (or `incomplete`, for a trainer that kept stopping short of its budget).
    func retryOrFail(
        _ trialID: TrialID, in run: RunRuntime, reason: String, jobEnd: JobState, now: Moment,
        finalState: TrialState = .failed
    ) throws {
        guard let job = run.active[trialID] else { return }
        let attempts = try run.store.trial(trialID)?.attempts ?? job.attempt
        if attempts < run.configuration.trial.maxAttempts {
            try run.store.inTransaction {
                _ = try run.store.requeue(job: job.jobID, endingAs: jobEnd)
                _ = try run.store.appendEvent(
                    kind: "trial.retry", trialID: trialID, detail: Self.jsonDetail(reason))
            }
            run.active[trialID] = nil
            run.queue.insert(trialID, at: 0)
            log("run '\(run.name)': trial \(trialID.rawValue) attempt \(attempts) ended (\(reason)); requeued")
        } else {
            let attempts = run.configuration.trial.maxAttempts
            try failTrial(
                trialID, in: run, reason: "\(reason) (after \(attempts) attempt\(attempts == 1 ? "" : "s"))",
                as: finalState)
        }
    }

    /// Fails a trial for good (`failed`, or `incomplete`) and tells the strategy it failed.
    func failTrial(_ trialID: TrialID, in run: RunRuntime, reason: String, as state: TrialState = .failed) throws {
        let job = run.active[trialID]?.jobID
        let outcome: NASStore.TrialOutcome = state == .incomplete ? .incomplete(reason: reason) : .failed(reason: reason)
        try run.store.inTransaction {
            _ = try run.store.finishTrial(trialID, outcome: outcome, job: job)
            try deliverOutcome(.failed(reason: reason), of: trialID, in: run)
        }
        run.active[trialID] = nil
        run.queue.removeAll { $0 == trialID }
        log("run '\(run.name)': trial \(trialID.rawValue) failed: \(reason)")
    }

    /// Tells the strategy the outcome of every proposal the trial answers that it has not seen.
    func deliverOutcome(_ outcome: NASSearch.TrialOutcome, of trialID: TrialID, in run: RunRuntime) throws {
        let proposals = try run.store.proposals(of: trialID).filter { !$0.isObserved }
        guard !proposals.isEmpty else { return }
        for proposal in proposals {
            let candidate = try JSONDecoder().decode(Candidate.self, from: proposal.candidate)
            run.strategy.observe(Observation(proposalID: proposal.proposalID, candidate: candidate, outcome: outcome))
        }
        try run.store.markProposalsObserved(of: trialID)
        run.strategyChanged = true
        run.isWaitingForResults = false
    }

    /// The outcome a finished trial stands for, to deliver to proposals that reuse it.
    func outcome(of trial: TrialRecord, in run: RunRuntime) throws -> NASSearch.TrialOutcome? {
        switch trial.state {
        case .completed:
            return .completed(curve: try run.store.curve(of: trial.id))
        case .stoppedEarly:
            return .stoppedEarly(
                curve: try run.store.curve(of: trial.id), predicted: trial.stopPrediction?.accuracy ?? 0,
                sigma: trial.stopPrediction?.sigma ?? 0)
        case .vetoed:
            return .vetoed(predicted: trial.priorPrediction?.accuracy ?? 0)
        case .failed, .incomplete:
            return .failed(reason: trial.failureReason ?? trial.state.rawValue)
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
