import Foundation
import NASCore
import NASProtocol
import NASSystem

/// The engine of `nasd worker`: keeps a session with the daemon, runs up to `slots` trials at
/// once and reports their epochs, and survives the daemon going away.
///
/// `run()` owns everything in one task group: the connection loop (connect, hello, welcome or
/// refusal, then a session of a sender, a ticker for heartbeats and logs, and the frame reader)
/// and one child task per trial. Trials outlive sessions: when the connection drops, trainers
/// keep running, their reports stay buffered (`ReportOutbox`), and the worker reconnects with
/// backoff and re-attaches them (docs/worker-protocol.md, "Reconnect and re-attach").
///
/// Built-in trainers (`surrogate`, `replay`) run in-process; `command` trainers run as
/// `ProcessTrainer`s with the slot's GPUs in `CUDA_VISIBLE_DEVICES`.
public final class WorkerRuntime: Sendable {
    /// Why `run()` returned.
    public enum Exit: Hashable, Sendable {
        /// The daemon sent `drain` (or `drain()` was called); every trial finished and its
        /// reports were acknowledged.
        case drained
        /// The daemon sent `shutdown` (or `shutdown()` was called); trials were stopped.
        case shutDown
        /// The task running `run()` was cancelled; trials were stopped.
        case cancelled
    }

    /// Why a session with the daemon ended without a fatal error.
    private enum SessionEnd {
        /// The connection closed, or the daemon answered something other than welcome.
        case closed(reason: String, welcomed: Bool)
    }

    /// What the worker was told to be.
    public let options: Options
    /// Where the worker's own log lines go.
    public let logger: WorkerLogger
    private let state: WorkerState
    private let launches: AsyncStream<TrialLaunch>
    private let launcher: AsyncStream<TrialLaunch>.Continuation
    private let logs: TrialLogBuffer
    private let replayTrainers = ReplayTrainerCache()
    private let surrogateTrainer = SurrogateTrainer()
    private let codec = MessageCodec()

    /// Creates a worker; nothing happens until `run()`.
    ///
    /// - Parameters:
    ///   - options: the daemon, token, identity, slots and GPUs, and timing.
    ///   - logger: where the worker logs (standard error, prefixed with its ID, by default).
    /// - Throws: `WorkerError.invalidOptions`.
    public init(options: Options, logger: WorkerLogger? = nil) throws(WorkerError) {
        try options.validate()
        self.options = options
        self.logger = logger ?? WorkerLogger(workerID: options.workerID)
        let (launches, launcher) = AsyncStream.makeStream(of: TrialLaunch.self)
        self.launches = launches
        self.launcher = launcher
        logs = TrialLogBuffer(capacity: options.maximumBufferedLogLines, flushInterval: options.logFlushInterval)
        state = WorkerState(options: options, logger: self.logger, logs: logs, launcher: launcher)
    }

    /// Runs the worker until it is drained, shut down, cancelled, refused or gives up. Call it
    /// once.
    ///
    /// - Returns: why it stopped.
    /// - Throws: `WorkerError.refused` when the daemon refuses the hello for good (wrong token,
    ///   version mismatch), `WorkerError.gaveUp` past `giveUpAfter` without a session. Running
    ///   trials are stopped before it returns or throws.
    public func run() async throws -> Exit {
        logger.info(
            "connecting to \(options.daemon) with \(options.slots) slots"
                + (options.gpus.isEmpty ? "" : " and GPUs \(options.gpus.map(String.init).joined(separator: ","))"))
        let exit = try await withThrowingTaskGroup(of: Exit?.self) { group in
            group.addTask {
                defer { self.launcher.finish() }
                return try await self.maintainConnection()
            }
            for await launch in launches {
                group.addTask {
                    await self.runTrial(launch)
                    return nil
                }
            }
            var exit = Exit.cancelled
            while let result = try await group.next() {
                if let result { exit = result }
            }
            return exit
        }
        logger.info("exiting: \(exit)")
        return exit
    }

    /// Stops every trial (SIGTERM, then SIGKILL after `shutdownGrace` for external trainers),
    /// waits up to `flushTimeout` for the daemon to acknowledge what is buffered, and makes
    /// `run()` return `.shutDown`. What `SIGTERM` to `nasd worker` does.
    public func shutdown() async {
        await state.beginShutdown()
    }

    /// Takes no new trials, finishes the running ones, and makes `run()` return `.drained` once
    /// their reports are acknowledged.
    public func drain() async {
        await state.beginDrain()
    }

    // MARK: - Connection loop

    /// Connects, runs sessions and reconnects with backoff until the worker should exit.
    private func maintainConnection() async throws -> Exit {
        var backoff = ReconnectBackoff(
            initial: options.initialReconnectDelay, maximum: options.maximumReconnectDelay)
        var generator = SystemRandomNumberGenerator()
        var disconnectedSince = monotonicNow()
        var lastError = "no attempt yet"
        var failedAttempts = 0
        while true {
            if Task.isCancelled { return .cancelled }
            if let reason = await state.exitReason { return reason }
            do {
                let connection = try await connect()
                switch try await runSession(on: connection) {
                case .closed(let reason, let welcomed):
                    lastError = reason
                    if welcomed {
                        backoff.reset()
                        failedAttempts = 0
                        disconnectedSince = monotonicNow()
                    }
                    if await state.exitReason == nil && !Task.isCancelled {
                        logger.warning("lost the daemon at \(options.daemon): \(reason); reconnecting")
                    }
                }
            } catch let error as WorkerError {
                throw error
            } catch {
                let description = "\(error)"
                failedAttempts += 1
                if description != lastError || failedAttempts % 10 == 1 {
                    logger.warning("cannot reach the daemon at \(options.daemon): \(description)")
                }
                lastError = description
            }
            if Task.isCancelled { return .cancelled }
            if let reason = await state.exitReason { return reason }
            if let limit = options.giveUpAfter, monotonicNow() - disconnectedSince >= limit {
                logger.error("giving up: no session with the daemon for \(limit.seconds) s")
                throw WorkerError.gaveUp(endpoint: options.daemon, after: limit, lastError: lastError)
            }
            let delay = backoff.nextDelay(using: &generator)
            guard await waitBeforeReconnecting(delay) else { return .cancelled }
        }
    }

    /// Sleeps `delay`, waking early when the worker should exit; `false` when cancelled.
    private func waitBeforeReconnecting(_ delay: Duration) async -> Bool {
        let deadline = monotonicNow() + delay
        while monotonicNow() < deadline {
            do {
                try await Task.sleep(for: min(.milliseconds(50), deadline - monotonicNow()))
            } catch {
                return false
            }
            if await state.exitReason != nil { return true }
        }
        return true
    }

    /// Opens a TCP connection on a thread of its own (`connect` blocks).
    private func connect() async throws -> SocketConnection {
        let endpoint = options.daemon
        let timeout = options.connectTimeout
        return try await BlockingCall.run { () -> Result<SocketConnection, any Error> in
            Result { try SocketConnection.connect(to: endpoint, timeout: timeout) }
        }.get()
    }

    // MARK: - Session

    /// Says hello, waits for the daemon's answer, then runs the session until the connection
    /// ends.
    ///
    /// - Throws: `WorkerError.refused` for a refusal that retrying cannot fix; other errors
    ///   (a failed send) mean the connection is gone.
    private func runSession(on socket: SocketConnection) async throws -> SessionEnd {
        let connection = FramedConnection(socket)
        defer { connection.close() }
        try await connection.send(WorkerMessage.hello(await state.makeHello()), codec: codec)
        var frames = connection.frames.makeAsyncIterator()
        let answer: Frame?
        do {
            answer = try await withThrowingTaskGroup(of: Void.self) { group in
                let timeout = options.connectTimeout
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { connection.close() }
                }
                defer { group.cancelAll() }
                return try await frames.next()
            }
        } catch {
            return .closed(reason: "no answer to hello: \(error)", welcomed: false)
        }
        guard let answer else {
            return .closed(reason: "the daemon closed the connection before answering hello", welcomed: false)
        }
        let welcome: DaemonMessage.Welcome
        switch try? codec.decode(DaemonMessage.self, from: answer) {
        case .welcome(let body)?:
            welcome = body
        case .refused(let refusal)?:
            switch refusal.code {
            case .shuttingDown, .duplicateWorker, .tooManyConnections:
                logger.warning("the daemon refused this worker for now: \(refusal.message)")
                return .closed(reason: "refused: \(refusal.description)", welcomed: false)
            case .versionMismatch, .badToken, .malformedHello:
                logger.error("the daemon refused this worker: \(refusal.message)")
                throw WorkerError.refused(refusal)
            }
        case let other?:
            return .closed(reason: "expected welcome, got \(other.messageType)", welcomed: false)
        case nil:
            let detail = Result { try codec.decode(DaemonMessage.self, from: answer) }
            return .closed(reason: "unreadable answer to hello: \(detail)", welcomed: false)
        }

        let (outbound, sink) = AsyncStream.makeStream(of: [UInt8].self)
        await state.attach(connection, outbound: sink, welcome: welcome)
        logger.info(
            "connected to daemon \(welcome.daemonVersion) at \(options.daemon); heartbeat every "
                + "\(welcome.heartbeatInterval) s; re-attached \(welcome.reattachedJobIDs.count) trials")
        let reason = await withTaskGroup(of: Void.self) { group -> String in
            group.addTask { await self.sendFrames(outbound, on: connection) }
            group.addTask { await self.tickWhileConnected() }
            let reason = await self.readFrames(&frames)
            await state.detach(connection)
            sink.finish()
            connection.close()
            group.cancelAll()
            return reason
        }
        return .closed(reason: reason, welcomed: true)
    }

    /// Writes queued frames in order; on a failed write closes the connection (the reports stay
    /// in the outbox and are resent after re-attaching).
    private func sendFrames(_ outbound: AsyncStream<[UInt8]>, on connection: FramedConnection) async {
        for await frame in outbound {
            do {
                try await connection.send(frameBytes: frame)
            } catch {
                logger.warning("send to the daemon failed: \(error)")
                connection.close()
                return
            }
        }
    }

    /// Heartbeats, log batches and exit checks, every `logFlushInterval`.
    private func tickWhileConnected() async {
        while true {
            do {
                try await Task.sleep(for: options.logFlushInterval)
            } catch {
                return
            }
            await state.tick()
        }
    }

    /// Hands each daemon message to the state until the connection ends; returns why it ended.
    private func readFrames(_ frames: inout FramedConnection.Frames.AsyncIterator) async -> String {
        do {
            while let frame = try await frames.next() {
                let message: DaemonMessage
                do {
                    message = try codec.decode(DaemonMessage.self, from: frame)
                } catch {
                    logger.warning("bad message from the daemon, closing the connection: \(error)")
                    return "protocol error: \(error)"
                }
                await state.handle(message)
            }
            return "the daemon closed the connection"
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Trials

    /// Runs one trial with its trainer and reports how it ended.
    private func runTrial(_ launch: TrialLaunch) async {
        let assignment = launch.assignment
        let jobID = assignment.jobID
        let attempt = assignment.attempt
        let trainer: any Trainer
        var processTrainer: ProcessTrainer?
        switch assignment.trainer {
        case .surrogate(let epochDelay):
            var surrogate = surrogateTrainer
            surrogate.epochDelay = epochDelay.isFinite && epochDelay > 0 ? .seconds(epochDelay) : .zero
            trainer = surrogate
        case .replay(let path):
            do {
                trainer = try await replayTrainers.trainer(forPath: path)
            } catch {
                await state.finishTrial(jobID: jobID, result: .failure(error), exitStatus: nil, logTail: [])
                return
            }
        case .command(let argv, let environment, let workingDirectory):
            let logs = self.logs
            let key = TrialLogBuffer.Key(
                jobID: jobID, trialID: assignment.spec.trialID, runName: assignment.spec.runName)
            let process = ProcessTrainer(
                argv: argv, environment: environment, workingDirectory: workingDirectory, visibleGPUs: launch.gpus,
                cancellationGrace: options.shutdownGrace,
                logSink: { line in logs.append(line.isTruncated ? line.text + " […]" : line.text, for: key) })
            launch.control.onStop { grace in process.requestStop(grace: grace) }
            processTrainer = process
            trainer = process
        }
        let state = self.state
        let spec = assignment.spec
        // Owned by this child task: awaited below, cancelled with it or by the trial's control.
        let training = Task { () async -> Result<TrainingOutcome, TrainerError> in
            do throws(TrainerError) {
                return .success(
                    try await trainer.train(spec) { record in
                        await state.recordEpoch(record, jobID: jobID, attempt: attempt)
                    })
            } catch {
                return .failure(error)
            }
        }
        launch.control.onCancel { training.cancel() }
        let result = await withTaskCancellationHandler {
            await training.value
        } onCancel: {
            training.cancel()
        }
        await state.finishTrial(
            jobID: jobID, result: result, exitStatus: processTrainer?.lastExitStatus,
            logTail: processTrainer?.lastLogTail ?? [])
    }
}
