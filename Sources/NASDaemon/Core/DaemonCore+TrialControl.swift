import Foundation
import NASProtocol
import NASStore

/// Control requests about one trial (`nasd trial stop|retry`) and the core's gauges (`metrics`).
extension DaemonCore {
    /// Answers `metrics`, `stopTrial` and `retryTrial`.
    func handleTrialControl(_ request: ControlRequest) throws -> ControlResponse {
        switch request {
        case .metrics:
            return .ok(try JSONValue(encoding: gauges()))
        case .stopTrial(let name, let trialText):
            let run = try runInProgress(name)
            let id = try trialID(trialText)
            return try stopTrial(id, in: run)
        case .retryTrial(let name, let trialText):
            let run = try runInProgress(name)
            let id = try trialID(trialText)
            return try retryTrial(id, in: run)
        default:
            throw ControlError(code: .invalidRequest, message: "'\(request.messageType)' is not a trial request")
        }
    }

    private func gauges() -> CoreGauges {
        CoreGauges(
            workers: workers.count, slots: workers.values.reduce(0) { $0 + $1.slots },
            busySlots: workers.values.reduce(0) { $0 + $1.busy.count }, isDraining: isDraining)
    }

    /// Cancels a queued or running trial (the worker is told to stop it) and tells the strategy it
    /// failed, so that it proposes another in its place; the trial no longer counts toward
    /// `max_trials`.
    private func stopTrial(_ id: TrialID, in run: RunRuntime) throws -> ControlResponse {
        guard let trial = try run.store.trial(id) else {
            throw ControlError(code: .notFound, message: "run '\(run.name)' has no trial \(id.rawValue)")
        }
        guard trial.state.isInFlight else {
            throw ControlError(
                code: .conflict,
                message: "trial \(id.rawValue) is \(trial.state.rawValue); only queued or running "
                    + "trials can be stopped")
        }
        let reason = "stopped by the user"
        let job = run.active[id]
        try run.store.inTransaction {
            _ = try run.store.finishTrial(id, outcome: .cancelled(reason: reason), job: job?.jobID)
            try deliverOutcome(.failed(reason: reason), of: id, in: run)
        }
        if let job { stopOnWorker(job, trial: id, of: run, reason: reason) }
        run.active[id] = nil
        run.queue.removeAll { $0 == id }
        run.awaitingPrior.removeAll { $0.trial == id }
        run.pendingStopDecisions.removeAll { $0.trial == id }
        run.countedTrials = max(0, run.countedTrials - 1)
        log("run '\(run.name)': trial \(id.rawValue) \(reason)")
        return .ok(
            try JSONValue(encoding: ControlAcknowledgement(run: run.name, message: "trial \(id.rawValue) stopped")))
    }

    /// Queues a failed or cancelled trial's network again as a new trial (same hyperparameters and
    /// budget, source `user-retry#<id>`), without consulting the prior: the user asked for it. The
    /// strategy has already been told how the first one ended; the new trial's result shows in the
    /// views, the best and the report.
    private func retryTrial(_ id: TrialID, in run: RunRuntime) throws -> ControlResponse {
        guard let trial = try run.store.trial(id) else {
            throw ControlError(code: .notFound, message: "run '\(run.name)' has no trial \(id.rawValue)")
        }
        guard trial.state == .failed || trial.state == .cancelled else {
            throw ControlError(
                code: .conflict,
                message: "trial \(id.rawValue) is \(trial.state.rawValue); only failed or cancelled "
                    + "trials can be retried")
        }
        if let inFlight = try run.store.findInFlightTrial(identityKey: trial.identityKey) {
            throw ControlError(
                code: .conflict, message: "trial \(inFlight.id.rawValue) already trains the same network")
        }
        let retry = try run.store.insertTrial(
            NewTrial(
                canonicalNotation: trial.canonicalNotation, proposedNotation: trial.proposedNotation,
                identityKey: trial.identityKey, hyperparameters: trial.hyperparameters, epochBudget: trial.epochBudget,
                source: "user-retry#\(id.rawValue)"))
        run.queue.insert(retry.id, at: 0)
        run.countedTrials += 1
        log("run '\(run.name)': trial \(id.rawValue) retried as trial \(retry.id.rawValue)")
        return .ok(
            try JSONValue(
                encoding: ControlAcknowledgement(
                    run: run.name, message: "trial \(id.rawValue) queued again as trial \(retry.id.rawValue)")))
    }

    private func runInProgress(_ name: String) throws -> RunRuntime {
        if let run = runs[name] { return run }
        throw ControlError(code: .conflict, message: "run '\(name)' is not in progress (no such run, or it has ended)")
    }

    private func trialID(_ text: String) throws -> TrialID {
        guard let id = RunViews.trialID(named: text) else {
            throw ControlError(
                code: .invalidRequest, message: "'\(text)' is not a trial id (expected a number such as 7)")
        }
        return id
    }
}
