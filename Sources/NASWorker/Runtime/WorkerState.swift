import NASCore
import NASProtocol
import NASSystem

/// The worker's state: its trials and slots, the reports the daemon has not acknowledged, the
/// current session with the daemon, and whether the worker is draining or shutting down.
///
/// Every method runs to completion without suspending, so reports get their sequence numbers
/// and enter the session's outbound queue in one order: the order they go on the wire.
actor WorkerState {
    /// What the worker does with new work.
    private enum Mode: Equatable {
        /// Takes assignments.
        case running
        /// Takes none; exits once its trials are done and reported.
        case draining
        /// Cancels its trials; exits once they ended and their reports were acknowledged, or at
        /// the flush deadline.
        case shuttingDown(flushDeadline: Duration?)
    }

    /// A trial whose task runs.
    private struct RunningTrial {
        var launch: TrialLaunch
        var startedAt: Duration
        var lastRecord: EpochRecord?
        var bestAccuracy: Double?
        var invalidReport: String?

        var assignment: DaemonMessage.Assignment { launch.assignment }
        var jobID: String { launch.assignment.jobID }

        var inFlight: WorkerMessage.InFlightTrial {
            WorkerMessage.InFlightTrial(
                jobID: jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                runName: assignment.spec.runName, lastEpochReported: lastRecord?.epoch ?? 0)
        }
    }

    /// The connection to the daemon while a session is established.
    private struct Session {
        var connection: FramedConnection
        var outbound: AsyncStream<[UInt8]>.Continuation
        var heartbeatInterval: Duration
        var lastHeartbeat: Duration
    }

    private let options: WorkerRuntime.Options
    private let logger: WorkerLogger
    private let logs: TrialLogBuffer
    private let launcher: AsyncStream<TrialLaunch>.Continuation
    private let codec = MessageCodec()

    private var mode = Mode.running
    private var trials: [String: RunningTrial] = [:]
    /// Trials whose task ended but whose reports are not all acknowledged: still in flight for
    /// the daemon, so they are listed in hello and heartbeats.
    private var unacknowledgedEndings: [String: WorkerMessage.InFlightTrial] = [:]
    private var freeSlots: Set<Int>
    private var outbox = ReportOutbox()
    private var session: Session?
    /// Why the worker exits, once it should.
    private(set) var exitReason: WorkerRuntime.Exit?

    init(
        options: WorkerRuntime.Options, logger: WorkerLogger, logs: TrialLogBuffer,
        launcher: AsyncStream<TrialLaunch>.Continuation
    ) {
        self.options = options
        self.logger = logger
        self.logs = logs
        self.launcher = launcher
        freeSlots = Set(0..<max(1, options.slots))
    }

    // MARK: - Session

    /// The hello for a new connection, listing every trial still in flight.
    func makeHello() -> WorkerMessage.Hello {
        WorkerMessage.Hello(
            workerVersion: options.workerVersion, token: options.token, workerID: options.workerID,
            hostname: options.hostname, slots: options.slots, gpus: options.gpus, inFlight: inFlight)
    }

    /// Starts a session after `welcome`: stops the trials the daemon did not re-attach, resends
    /// every unacknowledged report of the others, then announces free slots.
    func attach(
        _ connection: FramedConnection, outbound: AsyncStream<[UInt8]>.Continuation, welcome: DaemonMessage.Welcome
    ) {
        let interval =
            welcome.heartbeatInterval.isFinite && welcome.heartbeatInterval > 0
            ? Duration.seconds(max(0.05, welcome.heartbeatInterval)) : .seconds(5)
        session = Session(
            connection: connection, outbound: outbound, heartbeatInterval: interval, lastHeartbeat: monotonicNow())
        logs.setDaemonReachable(true)
        let reattached = Set(welcome.reattachedJobIDs)
        for (jobID, trial) in trials where !reattached.contains(jobID) && !trial.launch.control.isAbandoned {
            logger.warning(
                "job \(jobID) (trial \(trial.assignment.spec.trialID)) was not re-attached: its lease moved on; "
                    + "stopping it")
            abandon(jobID)
        }
        for jobID in unacknowledgedEndings.keys where !reattached.contains(jobID) {
            logger.warning("job \(jobID) was not re-attached; dropping its unacknowledged reports")
            outbox.discard(jobID: jobID)
            unacknowledgedEndings[jobID] = nil
        }
        for entry in outbox.entries {
            outbound.yield(entry.frame)
        }
        if !outbox.isEmpty {
            logger.info("resent \(outbox.entries.count) unacknowledged reports")
        }
        flushLogs()
        sendReady()
        checkExit()
    }

    /// Ends the session on `connection` (a newer one is left alone).
    func detach(_ connection: FramedConnection) {
        guard let current = session, current.connection === connection else { return }
        current.outbound.finish()
        session = nil
        logs.setDaemonReachable(false)
        checkExit()
    }

    /// Periodic work while connected: send buffered log lines, heartbeat when due, and check the
    /// shutdown flush deadline.
    func tick() {
        flushLogs()
        if var current = session {
            let now = monotonicNow()
            if now - current.lastHeartbeat >= current.heartbeatInterval {
                current.lastHeartbeat = now
                session = current
                send(.heartbeat(WorkerMessage.Heartbeat(inFlight: inFlight)))
            }
        }
        checkExit()
    }

    /// Acts on one message from the daemon.
    func handle(_ message: DaemonMessage) {
        switch message {
        case .assign(let assignment):
            accept(assignment)
        case .ack(let acknowledgement):
            outbox.acknowledge(upTo: acknowledgement.seq)
            for jobID in unacknowledgedEndings.keys where !outbox.hasEntries(for: jobID) {
                unacknowledgedEndings[jobID] = nil
            }
            checkExit()
        case .stopTrial(let request):
            guard let trial = trials[request.jobID] else {
                logger.warning("stopTrial for job \(request.jobID), which this worker does not run; ignored")
                return
            }
            let grace =
                request.graceSeconds.isFinite && request.graceSeconds >= 0
                ? Duration.seconds(request.graceSeconds) : .seconds(30)
            logger.info("stopping trial \(trial.assignment.spec.trialID) (job \(request.jobID)): \(request.reason)")
            trial.launch.control.stop(reason: request.reason, grace: grace)
        case .drain:
            if mode == .running {
                logger.info("draining: finishing \(trials.count) running trials, taking no new ones")
                mode = .draining
            }
            checkExit()
        case .shutdown:
            beginShutdown()
        case .welcome, .refused:
            logger.warning("unexpected \(message.messageType) in an established session; ignored")
        }
    }

    /// Stops taking work and cancels every trial; the worker exits once they have ended and
    /// their reports were acknowledged (or `flushTimeout` after that).
    func beginShutdown() {
        if case .shuttingDown = mode { return }
        logger.info("shutting down: stopping \(trials.count) running trials")
        mode = .shuttingDown(flushDeadline: nil)
        for trial in trials.values {
            trial.launch.control.cancel()
        }
        checkExit()
    }

    /// Takes no new trials; exits once the running ones are done and reported.
    func beginDrain() {
        handle(.drain)
    }

    // MARK: - Trials

    private func accept(_ assignment: DaemonMessage.Assignment) {
        let jobID = assignment.jobID
        guard trials[jobID] == nil else {
            logger.warning("assign for job \(jobID), which already runs here; ignored")
            return
        }
        guard mode == .running else {
            logger.warning("assign for job \(jobID) while not taking work; ignored (the daemon requeues it)")
            return
        }
        guard let slot = freeSlots.min() else {
            logger.warning("assign for job \(jobID) with no free slot; ignored (the daemon requeues it)")
            return
        }
        freeSlots.remove(slot)
        unacknowledgedEndings[jobID] = nil
        let launch = TrialLaunch(
            assignment: assignment, slot: slot, gpus: options.gpus(forSlot: slot), control: TrialControl())
        trials[jobID] = RunningTrial(launch: launch, startedAt: monotonicNow())
        logger.info(
            "trial \(assignment.spec.trialID) of run \(assignment.spec.runName) (job \(jobID), attempt "
                + "\(assignment.attempt)) on slot \(slot): epochs \(assignment.spec.startEpoch + 1)…"
                + "\(assignment.spec.epochBudget)")
        launcher.yield(launch)
    }

    /// Records one epoch of a trial and queues its report; answers whether to go on.
    func recordEpoch(_ record: EpochRecord, jobID: String, attempt: Int) -> EpochDecision {
        guard var trial = trials[jobID], trial.assignment.attempt == attempt,
            !trial.launch.control.isAbandoned, trial.invalidReport == nil
        else { return .stop }
        let spec = trial.assignment.spec
        let seq = outbox.takeSequenceNumber()
        let message = WorkerMessage.epochProgress(
            WorkerMessage.EpochProgress(
                jobID: jobID, attempt: attempt, trialID: spec.trialID, runName: spec.runName, record: record, seq: seq))
        do {
            let frame = try codec.encodeFrame(message)
            outbox.append(ReportOutbox.Entry(seq: seq, jobID: jobID, frame: frame))
            session?.outbound.yield(frame)
        } catch {
            logger.warning("trial \(spec.trialID): cannot report epoch \(record.epoch): \(error)")
            trial.invalidReport = "epoch \(record.epoch) cannot be reported: \(error)"
            trials[jobID] = trial
            return .stop
        }
        trial.lastRecord = record
        trial.bestAccuracy = max(trial.bestAccuracy ?? record.validationAccuracy, record.validationAccuracy)
        trials[jobID] = trial
        if trial.launch.control.isStopRequested { return .stop }
        if case .shuttingDown = mode { return .stop }
        return .continue
    }

    /// Reports how a trial's task ended and frees its slot.
    ///
    /// A trial with at least one epoch reported in this attempt completes (also when stopped:
    /// its summary holds the curve so far); one without fails. A cancelled trial (shutdown) and
    /// an abandoned one report nothing.
    func finishTrial(
        jobID: String, result: Result<TrainingOutcome, TrainerError>, exitStatus: ExitStatus?, logTail: [String]
    ) {
        guard let trial = trials.removeValue(forKey: jobID) else { return }
        freeSlots.insert(trial.launch.slot)
        let spec = trial.assignment.spec
        let control = trial.launch.control
        if control.isAbandoned {
            logs.discard(jobID: jobID)
            outbox.discard(jobID: jobID)
            logger.info("trial \(spec.trialID) (job \(jobID)) ended after losing its lease; nothing reported")
        } else if let report = finalReport(for: trial, result: result, exitStatus: exitStatus, logTail: logTail) {
            if let lines = logs.take(jobID: jobID), session != nil {
                send(.log(lines))
            }
            enqueueReport(report, jobID: jobID)
        } else {
            logs.discard(jobID: jobID)
            logger.info("trial \(spec.trialID) (job \(jobID)) cancelled; nothing reported")
        }
        if outbox.hasEntries(for: jobID) {
            var ending = trial.inFlight
            ending.lastEpochReported = trial.lastRecord?.epoch ?? 0
            unacknowledgedEndings[jobID] = ending
        }
        sendReady()
        checkExit()
    }

    private func finalReport(
        for trial: RunningTrial, result: Result<TrainingOutcome, TrainerError>, exitStatus: ExitStatus?,
        logTail: [String]
    ) -> WorkerMessage? {
        let assignment = trial.assignment
        let spec = assignment.spec
        let control = trial.launch.control
        func failure(_ reason: String, exitCode: Int? = nil, signal: Int? = nil, permanent: Bool = false)
            -> WorkerMessage
        {
            logger.warning("trial \(spec.trialID) (job \(assignment.jobID)) failed: \(reason)")
            return .fail(
                WorkerMessage.TrialFailure(
                    jobID: assignment.jobID, attempt: assignment.attempt, trialID: spec.trialID, runName: spec.runName,
                    reason: reason, exitCode: exitCode, signal: signal, logTail: logTail,
                    permanent: permanent ? true : nil, seq: 0))
        }
        switch result {
        case .success(let outcome):
            if let invalid = trial.invalidReport {
                return failure(invalid)
            }
            guard let last = trial.lastRecord else {
                let reason =
                    control.stopReason.map { "stopped before its first epoch: \($0)" }
                    ?? "the trainer ended without reporting an epoch (\(outcome.ending))"
                return failure(reason)
            }
            let summary = WorkerMessage.TrialSummary(
                epochsCompleted: last.epoch, finalAccuracy: last.validationAccuracy,
                bestAccuracy: trial.bestAccuracy ?? last.validationAccuracy,
                wallSeconds: (monotonicNow() - trial.startedAt).seconds, metrics: last.metrics)
            logger.info(
                "trial \(spec.trialID) (job \(assignment.jobID)) \(Self.describe(outcome.ending)) at epoch "
                    + "\(last.epoch)/\(spec.epochBudget): accuracy \(last.validationAccuracy)")
            return .complete(
                WorkerMessage.Completion(
                    jobID: assignment.jobID, attempt: assignment.attempt, trialID: spec.trialID,
                    runName: spec.runName, summary: summary, seq: 0))
        case .failure(.cancelled):
            // Shutdown, a lost lease or the worker's own cancellation: the trial did not fail, it
            // is requeued or re-attached by the daemon.
            return nil
        case .failure(.processFailed):
            switch exitStatus {
            case .exited(let code)?:
                return failure("trainer exited with status \(code)", exitCode: Int(code))
            case .signaled(let signal)?:
                return failure("trainer killed by signal \(signal)", signal: Int(signal))
            case nil:
                return failure("trainer failed")
            }
        case .failure(let error):
            return failure(error.description, permanent: error.isPermanent)
        }
    }

    private static func describe(_ ending: TrainingOutcome.Ending) -> String {
        switch ending {
        case .budgetReached: return "reached its budget"
        case .stopRequested: return "stopped"
        case .endedBeforeBudget: return "ended before its budget"
        }
    }

    /// Numbers a final report, keeps it until acknowledged and sends it when connected.
    private func enqueueReport(_ report: WorkerMessage, jobID: String) {
        let seq = outbox.takeSequenceNumber()
        var numbered = report
        switch report {
        case .complete(var completion):
            completion.seq = seq
            numbered = .complete(completion)
        case .fail(var failure):
            failure.seq = seq
            numbered = .fail(failure)
        default:
            break
        }
        do {
            let frame = try codec.encodeFrame(numbered)
            outbox.append(ReportOutbox.Entry(seq: seq, jobID: jobID, frame: frame))
            session?.outbound.yield(frame)
        } catch {
            logger.error("cannot encode the final report of job \(jobID): \(error)")
        }
    }

    /// Cancels a trial that lost its lease and drops what it has not yet had acknowledged.
    private func abandon(_ jobID: String) {
        trials[jobID]?.launch.control.cancel(abandon: true)
        outbox.discard(jobID: jobID)
        logs.discard(jobID: jobID)
    }

    // MARK: - Sending

    private var inFlight: [WorkerMessage.InFlightTrial] {
        let running = trials.values.filter { !$0.launch.control.isAbandoned }.map(\.inFlight)
        return (running + unacknowledgedEndings.values).sorted { $0.jobID < $1.jobID }
    }

    private func send(_ message: WorkerMessage) {
        guard let session else { return }
        do {
            session.outbound.yield(try codec.encodeFrame(message))
        } catch {
            logger.warning("cannot encode \(message.messageType): \(error)")
        }
    }

    private func sendReady() {
        guard mode == .running, session != nil else { return }
        send(.ready(WorkerMessage.Ready(freeSlots: freeSlots.count)))
    }

    private func flushLogs() {
        guard session != nil else { return }
        for lines in logs.takeAll() where !lines.lines.isEmpty {
            send(.log(lines))
        }
    }

    // MARK: - Exit

    /// Decides whether the worker is done; if so, records why and closes the session.
    private func checkExit() {
        guard exitReason == nil else { return }
        switch mode {
        case .running:
            return
        case .draining:
            guard trials.isEmpty, outbox.isEmpty else { return }
            exitReason = .drained
        case .shuttingDown(let flushDeadline):
            guard trials.isEmpty else { return }
            let now = monotonicNow()
            guard let deadline = flushDeadline else {
                mode = .shuttingDown(flushDeadline: now + options.flushTimeout)
                if outbox.isEmpty || session == nil { exitReason = .shutDown }
                break
            }
            guard outbox.isEmpty || session == nil || now >= deadline else { return }
            if !outbox.isEmpty {
                logger.warning("exiting with \(outbox.entries.count) reports the daemon has not acknowledged")
            }
            exitReason = .shutDown
        }
        guard exitReason != nil else { return }
        launcher.finish()
        session?.connection.close()
    }
}
