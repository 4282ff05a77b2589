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
                        jobEnd: .expired, now: now)
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

    /// Ends runs whose end criteria are met or whose strategy has nothing left.
    func endFinishedRuns(now: Moment) throws {
        for run in runs.values.sorted(by: { $0.name < $1.name }) where run.state == .active || run.state == .paused {
            let end = run.configuration.end
            // Trials waiting for the prior's model count as work left, like queued ones.
            let idle = run.active.isEmpty && run.queue.isEmpty && run.awaitingPrior.isEmpty
            if let target = end.targetAccuracy, let best = run.bestAccuracy, best >= target {
                try endRun(run, reason: "reached the target accuracy \(target) (best \(best))", now: now)
            } else if let deadline = deadline(of: run), now.wall >= deadline {
                try endRun(run, reason: "reached its deadline", now: now)
            } else if let maxEpochs = end.maxEpochs, run.epochsSpent >= maxEpochs {
                try endRun(run, reason: "spent its \(maxEpochs) epochs", now: now)
            } else if run.isAtTrialLimit && idle {
                try endRun(run, reason: "trained its \(end.maxTrials ?? 0) trials", now: now)
            } else if run.isStrategyExhausted && idle {
                try endRun(run, reason: run.exhaustionReason ?? "the \(run.strategy.kind) strategy finished", now: now)
            }
        }
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
            for trialID in run.queue + run.awaitingPrior.map(\.trial) {
                _ = try run.store.finishTrial(trialID, outcome: .cancelled(reason: "run ended: \(reason)"))
            }
            for (trialID, job) in run.active.sorted(by: { $0.key < $1.key }) {
                stopOnWorker(job, trial: trialID, of: run, reason: "run ended")
                _ = try run.store.finishTrial(
                    trialID, outcome: .cancelled(reason: "run ended: \(reason)"), job: job.jobID)
            }
            _ = try run.store.setRunState(state, finishReason: reason)
        }
        run.queue = []
        run.awaitingPrior = []
        run.active = [:]
        run.state = state
        log("run '\(run.name)' \(state == .finished ? "finished" : "failed"): \(reason)")
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
