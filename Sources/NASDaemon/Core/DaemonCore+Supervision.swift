import Foundation
import NASConfig
import NASProtocol
import NASStore

/// Time-driven supervision: leases, trial timeouts, silent handshakes, run ends and shutdown.
extension DaemonCore {
    /// Requeues jobs whose lease ran out and fails trials past their timeouts.
    func superviseLeases(now: Moment) throws {
        let seconds = now.elapsed
        for (connection, since) in handshaking where now.elapsed - since > Self.handshakeTimeout {
            closeConnection(connection, reason: "no 'hello' within \(Int(Self.handshakeTimeout)) s")
        }
        for run in runs.values.sorted(by: { $0.name < $1.name }) {
            let limits = run.configuration.trial
            for (trialID, job) in run.active.sorted(by: { $0.key < $1.key }) where !job.completionPending {
                if let timeout = limits.timeout?.seconds, job.trainingSeconds(at: seconds) > timeout {
                    stopOnWorker(job, trial: trialID, of: run, reason: "training timeout")
                    try failTrial(
                        trialID, in: run, reason: "exceeded its training timeout of \(Self.format(timeout))")
                } else if let timeout = limits.noProgressTimeout?.seconds, seconds - job.lease.lastProgress > timeout {
                    stopOnWorker(job, trial: trialID, of: run, reason: "no progress")
                    try failTrial(trialID, in: run, reason: "made no progress for \(Self.format(timeout))")
                } else if job.lease.isExpired(at: seconds) {
                    stopOnWorker(job, trial: trialID, of: run, reason: "lease expired")
                    try retryOrFail(
                        trialID, in: run,
                        reason:
                            "lease expired: worker '\(job.workerID)' silent for \(Self.format(options.leaseTimeout))",
                        jobEnd: .expired)
                }
            }
        }
    }

    /// Sends `stopTrial` for a job to its worker, when that worker is connected.
    func stopOnWorker(_ job: ActiveJob, trial: TrialID, of run: RunRuntime, reason: String) {
        guard let connection = job.connection, workers[connection] != nil else { return }
        workers[connection]?.stopping.insert(WorkerSession.key(run: run.name, job: job.wireID))
        actions.append(
            .send(
                connection,
                .stopTrial(.init(jobID: job.wireID, trialID: String(trial.rawValue), reason: reason, graceSeconds: 30)))
        )
    }

    /// Ends runs whose end criteria are met or whose strategy has nothing left — or, for a run
    /// with a `final:` section, ends its search and begins the final phase, and ends the run when
    /// the final phase is done.
    func endFinishedRuns(now: Moment) throws {
        for run in runs.values.sorted(by: { $0.name < $1.name }) where run.state == .active || run.state == .paused {
            // Trials waiting for the prior's model count as work left, like queued ones.
            let idle = run.active.isEmpty && run.queue.isEmpty && run.awaitingPrior.isEmpty
            if let searchEnd = run.finalPhaseReason {
                if idle { try endRun(run, reason: try finalPhaseEndReason(of: run, searchEnd: searchEnd), now: now) }
                continue
            }
            guard let reason = searchEndReason(of: run, idle: idle, now: now) else { continue }
            if let final = run.configuration.final {
                try beginFinalPhase(of: run, final: final, searchEnd: reason, now: now)
            } else {
                try endRun(run, reason: reason, now: now)
            }
        }
    }

    /// Why the run's search is over, or nil while it goes on.
    private func searchEndReason(of run: RunRuntime, idle: Bool, now: Moment) -> String? {
        let end = run.configuration.end
        if let target = end.targetAccuracy, let best = run.bestAccuracy, best >= target {
            return "reached the target accuracy \(target) (best \(best))"
        } else if let deadline = deadline(of: run), now.wall >= deadline {
            return "reached its deadline"
        } else if let maxEpochs = end.maxEpochs, run.epochsSpent >= maxEpochs {
            return "spent its \(maxEpochs) epochs"
        } else if run.isAtTrialLimit && idle {
            return "trained its \(end.maxTrials ?? 0) trials"
        } else if run.isStrategyExhausted && idle {
            return run.exhaustionReason ?? "the \(run.strategy.kind) strategy finished"
        }
        return nil
    }

    private func deadline(of run: RunRuntime) -> Date? {
        switch run.configuration.end.deadline {
        case .none: return nil
        case .after(let duration): return run.createdAt.addingTimeInterval(duration.seconds)
        case .at(let date): return date
        }
    }

    /// Finishes a run: queued trials are cancelled, running ones stopped and cancelled.
    func endRun(_ run: RunRuntime, reason: String, now: Moment, as state: RunState = .finished) throws {
        try run.store.inTransaction {
            try cancelOutstandingTrials(of: run, reason: "run ended: \(reason)", stop: "run ended")
            _ = try run.store.setRunState(state, finishReason: reason)
        }
        run.queue = []
        run.awaitingPrior = []
        run.active = [:]
        run.state = state
        // No trial of an ended run is resumed or promoted: its checkpoints go (docs/hyperband.md).
        actions.append(.removeCheckpoints(run.checkpointBase))
        log("run '\(run.name)' \(state == .finished ? "finished" : "failed"): \(reason)")
    }

    /// Cancels the run's queued, prior-waiting and running trials (stopping the running ones on
    /// their workers), inside the caller's transaction; the in-memory queue is left to the caller.
    private func cancelOutstandingTrials(of run: RunRuntime, reason: String, stop: String) throws {
        for trialID in run.queue + run.awaitingPrior.map(\.trial) {
            _ = try run.store.finishTrial(trialID, outcome: .cancelled(reason: reason))
        }
        for (trialID, job) in run.active.sorted(by: { $0.key < $1.key }) {
            stopOnWorker(job, trial: trialID, of: run, reason: stop)
            _ = try run.store.finishTrial(trialID, outcome: .cancelled(reason: reason), job: job.jobID)
        }
    }

    /// Ends the search and begins the final phase: trials still in flight are cancelled, and the
    /// `top_k` distinct networks with the best completed search accuracy are queued again,
    /// `seeds` trials each, at `final.epochs` with the final hyperparameters laid over their own.
    /// They are nobody's proposal, so no strategy or predictor learns from them. With no completed
    /// trial to retrain, the run ends at once.
    private func beginFinalPhase(
        of run: RunRuntime, final: FinalPhaseConfiguration, searchEnd: String, now: Moment
    ) throws {
        let chosen = try FinalPhaseSelection.networks(from: run.store.trials(in: [.completed]), topK: final.topK)
        guard !chosen.isEmpty else {
            return try endRun(run, reason: "\(searchEnd); final phase: no completed trial to retrain", now: now)
        }
        var newTrials: [NewTrial] = []
        for (trial, network) in chosen {
            var hyperparameters = trial.hyperparameters
            hyperparameters.merge(final.hyperparameters) { _, replacement in replacement }
            for seed in 1...final.seeds {
                var newTrial = NewTrial(
                    canonicalNotation: trial.canonicalNotation, proposedNotation: trial.proposedNotation,
                    identityKey: FinalPhaseSelection.identityKey(
                        of: network, hyperparameters: hyperparameters, seed: seed),
                    hyperparameters: hyperparameters, epochBudget: final.epochs, source: "final#\(trial.id.rawValue)",
                    phase: FinalPhaseSelection.phase)
                newTrial.finalOf = (trial.id, seed)
                newTrials.append(newTrial)
            }
        }
        let queued = try run.store.inTransaction {
            try cancelOutstandingTrials(of: run, reason: "search ended: \(searchEnd)", stop: "search ended")
            return try run.store.beginFinalPhase(searchEndReason: searchEnd, trials: newTrials)
        }
        run.queue = queued.map(\.id)
        run.awaitingPrior = []
        run.pendingStopDecisions = []
        run.active = [:]
        run.finalPhaseReason = searchEnd
        log(
            "run '\(run.name)': search ended (\(searchEnd)); final phase: \(chosen.count) network(s), "
                + "\(queued.count) trial(s) of \(final.epochs) epochs")
    }

    /// The run's finish reason after its final phase.
    private func finalPhaseEndReason(of run: RunRuntime, searchEnd: String) throws -> String {
        let trials = try run.store.finalPhaseTrials()
        let networks = Set(trials.compactMap(\.finalOf)).count
        let completed = trials.filter { $0.state == .completed }.count
        return "\(searchEnd); final phase: \(networks) network(s) retrained, \(completed) of \(trials.count) "
            + "trial(s) completed"
    }

    /// Ends a run as failed (its strategy broke, its configuration cannot be run).
    func failRun(_ run: RunRuntime, reason: String, now: Moment) throws {
        try endRun(run, reason: reason, now: now, as: .failed)
    }

    /// Stops dispatching, and exits once this batch is durable (its acknowledgements and messages
    /// are sent first). With `requeueRunningOnShutdown` (the daemon's own local workers go down
    /// with it) running jobs go back to the queue without
    /// using up an attempt; otherwise they stay leased so that their workers, which keep training,
    /// re-attach when the daemon is back.
    func beginShutdown(reason: String, now: Moment) throws {
        guard !isShuttingDown else { return }
        isShuttingDown = true
        isDraining = true
        log("shutting down: \(reason)")
        if options.requeueRunningOnShutdown {
            for connection in workers.keys.sorted() {
                actions.append(.send(connection, .shutdown))
            }
            for run in runs.values.sorted(by: { $0.name < $1.name }) {
                for (trialID, job) in run.active.sorted(by: { $0.key < $1.key }) {
                    _ = try run.store.requeue(job: job.jobID, endingAs: .cancelled, refundingAttempt: true)
                    run.active[trialID] = nil
                    run.queue.insert(trialID, at: 0)
                }
            }
        }
        for run in runs.values { run.strategyChanged = true }
    }

    static func format(_ seconds: Double) -> String {
        seconds >= 120 ? "\(Int(seconds / 60)) min" : "\(Int(seconds.rounded())) s"
    }
}
