import Foundation
import NASProtocol
import NASStore

/// Control requests: submit, the views, pause / resume / stop, archive / delete, drain, shutdown.
extension DaemonCore {
    var layout: StateDirectoryLayout { StateDirectoryLayout(path: options.stateDirectory.path) }

    /// Answers a control request.
    ///
    /// - Throws: only a `DatabaseError` from a store in the batch (fatal for the batch); every
    ///   other failure is the request's answer.
    func handleControl(_ request: ControlRequest, now: Moment) throws -> ControlResponse {
        do {
            switch request {
            case .submit(let configText, let fileName, let restart):
                guard !isShuttingDown else {
                    throw ControlError(code: .shuttingDown, message: "the daemon is shutting down")
                }
                return .ok(
                    try JSONValue(
                        encoding: try submit(configText: configText, fileName: fileName, restart: restart, now: now)))
            case .workers:
                return .ok(try JSONValue(encoding: workerViews()))
            case .status, .trials, .best, .logs:
                // Read from the stores off the commit thread by `DaemonControlHandler`
                // (`hostedRunSnapshots()`), so that no client can hold up a batch with a scan.
                throw ControlError(
                    code: .internalError,
                    message: "'\(request.messageType)' is read from the run stores by the control handler, "
                        + "not by the daemon core")
            case .pause(let name):
                let run = try loadedRun(name)
                guard run.state == .active else {
                    throw ControlError(code: .conflict, message: "run '\(name)' is \(run.state.rawValue)")
                }
                _ = try run.store.setRunState(.paused)
                run.state = .paused
                return try acknowledge(name, "paused: no new trials will start; running ones continue")
            case .resume(let name):
                let run = try loadedRun(name)
                guard run.state == .paused else {
                    throw ControlError(code: .conflict, message: "run '\(name)' is \(run.state.rawValue), not paused")
                }
                _ = try run.store.setRunState(.active)
                run.state = .active
                return try acknowledge(name, "resumed")
            case .stop(let name):
                let run = try loadedRun(name)
                // The answer is sent only after the batch committed, so "stopped" means ended on disk.
                try endRun(run, reason: "stopped by the user", now: now)
                runs[name] = nil
                return try acknowledge(name, "stopped")
            case .delete(let name):
                let directory = try removableRunDirectory(name)
                try layout.remove(directory)
                return try acknowledge(name, "deleted \(directory.path)")
            case .archive(let name):
                let directory = try removableRunDirectory(name)
                let destination = try layout.archive(directory, name: name, at: now.wall)
                return try acknowledge(name, "archived to \(destination.path)")
            case .drain:
                isDraining = true
                return try acknowledge(nil, "draining: no new trials will be dispatched; running trials continue")
            case .shutdown:
                try beginShutdown(reason: "requested by a client", now: now)
                return try acknowledge(nil, "shutting down")
            case .metrics, .stopTrial, .retryTrial:
                return try handleTrialControl(request)
            }
        } catch let error as ControlError {
            return .error(error)
        } catch let error as DatabaseError {
            throw error
        } catch {
            return .error(ControlError(code: .internalError, message: "\(error)"))
        }
    }

    /// The runs the core hosts, sorted by name, for the views read off the commit thread. A store
    /// deleted under the daemon is logged once (the views show the problem).
    func hostedRunSnapshots() -> [HostedRunSnapshot] {
        runs.values.sorted { $0.name < $1.name }.map { run in
            let missing = layout.missingStoreMessage(run: run.name)
            if let missing, reportedMissingStores.insert(run.name).inserted {
                log("error: run '\(run.name)': \(missing)")
            }
            return HostedRunSnapshot(name: run.name, live: liveInfo(run))
        }
    }

    /// Live information for a run's status view.
    func liveInfo(_ run: RunRuntime) -> LiveRunInfo {
        var phase = run.strategy.phase
        if run.state == .paused { phase = "paused; " + phase }
        if run.isWaitingForResults { phase += "; waiting for results" }
        if let version = run.awaitedStrategyModel {
            // A round that needs no fit (a transferred model's first) is still prepared off the thread.
            phase +=
                run.awaitedStrategyModelIsFit
                ? "; fitting model \(version) off the commit thread" : "; preparing it off the commit thread"
        }
        if isDraining { phase += "; daemon draining" }
        return LiveRunInfo(
            strategy: run.strategy.kind, phase: phase, workers: Array(Set(run.active.values.map(\.workerID))).sorted())
    }

    private func workerViews() -> [WorkerView] {
        workers.values.sorted { $0.connection < $1.connection }.map { session in
            var jobs: [WorkerView.Job] = []
            for run in runs.values.sorted(by: { $0.name < $1.name }) {
                for (trialID, job) in run.active.sorted(by: { $0.key < $1.key })
                where job.connection == session.connection {
                    jobs.append(WorkerView.Job(run: run.name, trial: trialID.rawValue))
                }
            }
            return WorkerView(
                id: session.workerID, hostname: session.hostname, slots: session.slots, busySlots: session.busy.count,
                gpus: session.gpus, connectedSince: session.connectedAt.timeIntervalSince1970, jobs: jobs)
        }
    }

    private func loadedRun(_ name: String) throws -> RunRuntime {
        if let run = runs[name] { return run }
        if layout.hasStore(in: layout.runDirectory(named: name)) {
            throw ControlError(code: .conflict, message: "run '\(name)' has already ended")
        }
        throw ControlError(code: .notFound, message: "no run named '\(name)' in \(layout.path)")
    }

    private func finishedRunStore(_ name: String) throws -> RunStore {
        guard StateDirectoryLayout.isValidRunName(name) else {
            throw ControlError(code: .notFound, message: "no run named '\(name)' in \(layout.path)")
        }
        do {
            return try layout.openStore(in: layout.runDirectory(named: name))
        } catch RunStoreError.storeNotFound {
            throw ControlError(code: .notFound, message: "no run named '\(name)' in \(layout.path)")
        }
    }

    /// The directory of an ended run (one in progress must be stopped first).
    private func removableRunDirectory(_ name: String) throws -> URL {
        guard runs[name] == nil else {
            throw ControlError(
                code: .conflict, message: "run '\(name)' is in progress; stop it first ('nasd stop \(name)')")
        }
        _ = try finishedRunStore(name)
        return layout.runDirectory(named: name)
    }

    private func acknowledge(_ run: String?, _ message: String) throws -> ControlResponse {
        .ok(try JSONValue(encoding: ControlAcknowledgement(run: run, message: message)))
    }
}
