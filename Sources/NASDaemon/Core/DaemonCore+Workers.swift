import Foundation
import NASCore
import NASProtocol
import NASStore

/// Worker sessions: the handshake, reports, heartbeats and disconnects.
extension DaemonCore {
    func handleWorkerMessage(_ message: WorkerMessage, from connection: ConnectionID, now: Moment) throws {
        if case .hello(let hello) = message {
            return try handshake(hello, on: connection, now: now)
        }
        guard workers[connection] != nil else {
            return closeConnection(connection, reason: "'\(message.messageType)' before 'hello'")
        }
        // Raised only once the message was handled: a store failure while handling it fails the
        // whole batch, and then no acknowledgement is sent at all.
        defer {
            if let seq = message.sequenceNumber, workers[connection] != nil {
                acknowledgements[connection] = max(acknowledgements[connection] ?? 0, seq)
            }
        }
        switch message {
        case .hello:
            break
        case .epochProgress(let progress):
            guard let (run, trialID) = attachedJob(progress.runName, progress.trialID, progress.jobID, connection)
            else {
                return stopStaleJob(run: progress.runName, trial: progress.trialID, job: progress.jobID, on: connection)
            }
            try recordEpoch(progress.record, of: trialID, in: run, now: now)
        case .complete(let completion):
            releaseSlot(run: completion.runName, job: completion.jobID, on: connection)
            guard let (run, trialID) = attachedJob(completion.runName, completion.trialID, completion.jobID, connection)
            else { return }
            try completeTrial(trialID, in: run, now: now)
        case .fail(let failure):
            releaseSlot(run: failure.runName, job: failure.jobID, on: connection)
            guard let (run, trialID) = attachedJob(failure.runName, failure.trialID, failure.jobID, connection)
            else { return }
            appendLog(failure.logTail.map { "[worker] \($0)" }, trial: trialID, in: run)
            try retryOrFail(
                trialID, in: run, reason: failure.reason, jobEnd: .failed, permanent: failure.permanent == true)
        case .heartbeat(let heartbeat):
            for trial in heartbeat.inFlight {
                if let (run, trialID) = attachedJob(trial.runName, trial.trialID, trial.jobID, connection) {
                    run.active[trialID]?.lease.renew(now: now.elapsed, duration: options.leaseTimeout)
                } else {
                    stopStaleJob(run: trial.runName, trial: trial.trialID, job: trial.jobID, on: connection)
                }
            }
        case .log(let lines):
            // Only the worker a job was leased to may write that trial's log (its last lines may
            // arrive just after the job ended, so the stored job is checked, not the live lease).
            guard let run = runs[lines.runName], let trialID = TrialID(lines.trialID),
                let jobNumber = Int64(lines.jobID), let session = workers[connection],
                let job = try run.store.job(JobID(rawValue: jobNumber)),
                job.trialID == trialID, job.workerID == session.workerID
            else {
                log("worker '\(workers[connection]?.workerID ?? "?")': log lines for a job it does not hold ignored")
                return
            }
            appendLog(lines.lines, trial: trialID, in: run)
        case .ready:
            break
        }
    }

    private func handshake(_ hello: WorkerMessage.Hello, on connection: ConnectionID, now: Moment) throws {
        handshaking[connection] = nil
        guard hello.protocolVersion == ProtocolVersion.current else {
            return refuse(
                connection,
                .versionMismatch(
                    daemon: ProtocolVersion.current, worker: hello.protocolVersion, daemonVersion: options.version,
                    workerVersion: hello.workerVersion))
        }
        guard SharedSecret.matches(hello.token, expected: options.token) else {
            return refuse(connection, .badToken(workerProtocolVersion: hello.protocolVersion))
        }
        guard !isShuttingDown else {
            return refuse(
                connection,
                .init(code: .shuttingDown, message: "the daemon is shutting down", workerProtocolVersion: nil))
        }
        guard (1...WorkerMessage.Hello.maximumSlots).contains(hello.slots), !hello.workerID.isEmpty else {
            return refuse(
                connection,
                .init(
                    code: .malformedHello,
                    message: "a worker needs an id and at least one slot, at most "
                        + "\(WorkerMessage.Hello.maximumSlots) (it claimed \(hello.slots))",
                    workerProtocolVersion: nil))
        }
        if let previous = workers.first(where: { $0.value.workerID == hello.workerID && $0.key != connection })?.key {
            closeConnection(previous, reason: "worker '\(hello.workerID)' connected again")
        }
        var session = WorkerSession(
            connection: connection, workerID: hello.workerID, hostname: hello.hostname, slots: hello.slots,
            gpus: hello.gpus, version: hello.workerVersion, connectedAt: now.wall)
        var reattached: [String] = []
        for trial in hello.inFlight {
            guard let run = runs[trial.runName], let trialID = TrialID(trial.trialID),
                var job = run.active[trialID], job.wireID == trial.jobID, job.workerID == hello.workerID
            else { continue }
            job.connection = connection
            job.awaitingReattach = false
            job.lease.renew(now: now.elapsed, duration: options.leaseTimeout)
            run.active[trialID] = job
            session.busy.insert(WorkerSession.key(run: run.name, job: job.wireID))
            reattached.append(trial.jobID)
        }
        workers[connection] = session
        try requeueJobsNotHeld(by: hello.workerID, reattached: Set(reattached))
        log(
            "worker '\(hello.workerID)' on \(hello.hostname) joined with \(hello.slots) slot(s)"
                + (reattached.isEmpty ? "" : ", re-attached \(reattached.count) job(s)"))
        actions.append(
            .send(
                connection,
                .welcome(
                    .init(
                        daemonVersion: options.version, heartbeatInterval: options.heartbeatInterval,
                        leaseTimeout: options.leaseTimeout, reattachedJobIDs: reattached))))
    }

    /// Gives back at once the jobs leased to a worker that its hello does not list: it never got
    /// them (the daemon died between the dispatch's commit and the assignment's send) or it lost
    /// them (the worker restarted). A worker lists every job it runs and every ending it has not
    /// seen acknowledged, so nothing it holds is taken away; waiting for the lease to run out would
    /// only idle its slot (and let a resumed run propose before the job's result, which an
    /// uninterrupted run would not). The attempt is refunded: the job never ran there.
    private func requeueJobsNotHeld(by workerID: String, reattached: Set<String>) throws {
        for run in runs.values.sorted(by: { $0.name < $1.name }) {
            for (trialID, job) in run.active.sorted(by: { $0.key < $1.key })
            where job.workerID == workerID && !reattached.contains(job.wireID) && !job.completionPending {
                _ = try run.store.requeue(job: job.jobID, endingAs: .expired, refundingAttempt: true)
                run.active[trialID] = nil
                run.queue.insert(trialID, at: 0)
                log("run '\(run.name)': trial \(trialID.rawValue) requeued: worker '\(workerID)' came back without it")
            }
        }
    }

    private func refuse(_ connection: ConnectionID, _ refusal: DaemonMessage.Refusal) {
        actions.append(.send(connection, .refused(refusal)))
        closeConnection(connection, reason: "refused: \(refusal.message)")
    }

    /// Closes a connection and forgets its session (its jobs keep their leases: the worker may
    /// come back and re-attach them before they run out).
    func closeConnection(_ connection: ConnectionID, reason: String) {
        actions.append(.close(connection, reason: reason))
        workerDisconnected(connection, reason: reason)
    }

    func workerDisconnected(_ connection: ConnectionID, reason: String) {
        handshaking[connection] = nil
        guard let session = workers.removeValue(forKey: connection) else { return }
        log("worker '\(session.workerID)' left: \(reason)")
        for run in runs.values {
            for (trialID, job) in run.active where job.connection == connection {
                run.active[trialID]?.connection = nil
            }
        }
    }

    /// The run and trial of a report, when the reporting connection holds that job's lease.
    private func attachedJob(
        _ runName: String, _ trialText: String, _ jobText: String, _ connection: ConnectionID
    ) -> (RunRuntime, TrialID)? {
        guard let run = runs[runName], let trialID = TrialID(trialText), let job = run.active[trialID],
            job.wireID == jobText, let session = workers[connection], job.workerID == session.workerID
        else { return nil }
        if job.connection != connection {
            run.active[trialID]?.connection = connection
        }
        return (run, trialID)
    }

    /// Tells a worker to stop a job the daemon no longer wants from it (once per job).
    private func stopStaleJob(run: String, trial: String, job: String, on connection: ConnectionID) {
        let key = WorkerSession.key(run: run, job: job)
        guard var session = workers[connection], !session.stopping.contains(key) else { return }
        session.stopping.insert(key)
        workers[connection] = session
        actions.append(
            .send(
                connection,
                .stopTrial(
                    .init(jobID: job, trialID: trial, reason: "this job is no longer leased to you", graceSeconds: 30))
            ))
    }

    private func releaseSlot(run: String, job: String, on connection: ConnectionID) {
        let key = WorkerSession.key(run: run, job: job)
        workers[connection]?.busy.remove(key)
        workers[connection]?.stopping.remove(key)
    }

    /// Asks for trainer output to be appended to the trial's log file, once the batch is durable
    /// (the edge writes it on its own queue: no file I/O on the commit thread).
    func appendLog(_ lines: [String], trial: TrialID, in run: RunRuntime) {
        guard !lines.isEmpty else { return }
        actions.append(.appendLog(run.logURL(for: trial), lines))
    }
}
