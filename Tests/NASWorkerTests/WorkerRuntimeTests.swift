import Foundation
import NASCore
import NASProtocol
import NASSystem
import NASTestSupport
import NASWorker
import XCTest

final class WorkerRuntimeTests: XCTestCase {
    private var directory: URL!
    private var daemon: FakeDaemon!
    private let workerLog = LineCollector()

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "nasd-wrk")
        daemon = try FakeDaemon()
    }

    override func tearDownWithError() throws {
        daemon.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeWorker(
        slots: Int = 1, gpus: [Int] = [], token: String = FakeDaemon.token, giveUpAfter: Duration? = nil
    ) throws -> WorkerRuntime {
        var options = WorkerRuntime.Options(
            daemon: daemon.endpoint, token: token, workerID: "w-test", slots: slots, gpus: gpus, workerVersion: "0.1.0")
        options.initialReconnectDelay = .milliseconds(20)
        options.maximumReconnectDelay = .milliseconds(200)
        options.connectTimeout = .seconds(5)
        options.shutdownGrace = .milliseconds(300)
        options.logFlushInterval = .milliseconds(20)
        options.giveUpAfter = giveUpAfter
        return try WorkerRuntime(options: options, logger: WorkerLogger(workerID: "w-test", sink: workerLog.sink))
    }

    private var checkpoints: URL { directory.appendingPathComponent("checkpoints") }

    /// Waits until the worker has logged a line containing `text`.
    private func waitForWorkerLog(containing text: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = monotonicNow() + timeout
        while !workerLog.lines.contains(where: { $0.contains(text) }) {
            guard monotonicNow() < deadline else {
                throw FakeDaemonError.timedOut(waitingFor: "worker log line containing '\(text)'")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private func surrogate(delay: Double = 0) -> TrainerDescription { .surrogate(epochDelay: delay) }

    // MARK: - Handshake

    func testHandshake_helloCarriesIdentityAndCapacity_thenReadyAfterWelcome() async throws {
        let worker = try makeWorker(slots: 2, gpus: [0, 1])
        async let exit = worker.run()
        let session = try await daemon.accept()
        let hello = try await session.expectHello()
        XCTAssertEqual(hello.protocolVersion, ProtocolVersion.current)
        XCTAssertEqual(hello.token, FakeDaemon.token)
        XCTAssertEqual(hello.workerID, "w-test")
        XCTAssertEqual(hello.workerVersion, "0.1.0")
        XCTAssertEqual(hello.slots, 2)
        XCTAssertEqual(hello.gpus, [0, 1])
        XCTAssertEqual(hello.inFlight, [])
        try await session.send(FakeDaemon.welcome())
        let ready = try await session.expectReady()
        XCTAssertEqual(ready.freeSlots, 2)
        _ = try await session.expectHeartbeat()
        try await session.send(.drain)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testRefusedBadToken_runThrowsTheDaemonsReason() async throws {
        let worker = try makeWorker(token: "wrong")
        async let exit = worker.run()
        let session = try await daemon.accept()
        _ = try await session.expectHello()
        let refusal = DaemonMessage.Refusal.badToken(workerProtocolVersion: 1)
        try await session.send(.refused(refusal))
        session.close()
        do {
            _ = try await exit
            XCTFail("a refused worker stops")
        } catch {
            XCTAssertEqual(error as? WorkerError, .refused(refusal))
            XCTAssertTrue("\(error)".contains("token does not match"), "\(error)")
        }
    }

    func testRefusedShuttingDown_isRetried() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let first = try await daemon.accept()
        _ = try await first.expectHello()
        try await first.send(.refused(DaemonMessage.Refusal(code: .shuttingDown, message: "draining")))
        first.close()
        let second = try await daemon.accept()
        try await second.welcome()
        try await second.send(.drain)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testGiveUpAfter_withNoDaemon_throwsGaveUp() async throws {
        daemon.close()
        let worker = try makeWorker(giveUpAfter: .milliseconds(300))
        do {
            _ = try await worker.run()
            XCTFail("expected to give up")
        } catch let error as WorkerError {
            guard case .gaveUp(let endpoint, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(endpoint, daemon.endpoint)
        }
    }

    // MARK: - Trials

    func testSurrogateTrial_reportsEveryEpochInOrder_thenCompletes() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let session = try await daemon.accept()
        try await session.welcome()
        let firstReady = try await session.expectReady()
        XCTAssertEqual(firstReady.freeSlots, 1)
        try await session.send(
            FakeDaemon.assign(jobID: "j1", trialID: "t-1", budget: 5, trainer: surrogate(), checkpoints: checkpoints))
        let (progress, ending) = try await session.expectEnding()
        XCTAssertEqual(progress.map(\.record.epoch), [1, 2, 3, 4, 5])
        XCTAssertEqual(progress.map(\.seq), [1, 2, 3, 4, 5])
        XCTAssertTrue(progress.allSatisfy { $0.jobID == "j1" && $0.attempt == 1 && $0.trialID == "t-1" })
        guard case .complete(let completion) = ending else { return XCTFail("expected complete, got \(ending)") }
        XCTAssertEqual(completion.seq, 6)
        XCTAssertEqual(completion.summary.epochsCompleted, 5)
        XCTAssertEqual(completion.summary.finalAccuracy, progress.last?.record.validationAccuracy)
        XCTAssertEqual(completion.summary.bestAccuracy, progress.map(\.record.validationAccuracy).max())
        let readyAgain = try await session.expectReady()
        XCTAssertEqual(readyAgain.freeSlots, 1, "the slot is free again")

        // Drain waits for the acknowledgement of every report before exiting: the session stays
        // up (heartbeats keep coming) until the ack.
        try await session.send(.drain)
        try await waitForWorkerLog(containing: "draining")
        _ = try await session.expectHeartbeat()
        _ = try await session.expectHeartbeat()
        try await session.send(.ack(DaemonMessage.Acknowledgement(seq: 6)))
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testStopTrial_stopsAtAnEpochBoundary_andCompletesWithTheCurveSoFar() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let session = try await daemon.accept()
        try await session.welcome()
        try await session.send(
            FakeDaemon.assign(
                jobID: "j1", trialID: "t-1", budget: 200, trainer: surrogate(delay: 0.02), checkpoints: checkpoints))
        _ = try await session.expectProgress()
        _ = try await session.expectProgress()
        try await session.send(
            .stopTrial(DaemonMessage.StopTrial(jobID: "j1", trialID: "t-1", reason: "early stop", graceSeconds: 1)))
        let (more, ending) = try await session.expectEnding()
        guard case .complete(let completion) = ending else { return XCTFail("expected complete, got \(ending)") }
        let epochs = [1, 2] + more.map(\.record.epoch)
        XCTAssertEqual(epochs, Array(1...epochs.count), "every epoch up to the stop, in order")
        XCTAssertEqual(completion.summary.epochsCompleted, epochs.count)
        XCTAssertLessThan(completion.summary.epochsCompleted, 200)
        try await session.acknowledgeAndDrain(upTo: completion.seq)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testReconnect_buffersReports_reattaches_andResendsOnlyUnacknowledgedOnes() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let first = try await daemon.accept()
        try await first.welcome()
        try await first.send(
            FakeDaemon.assign(
                jobID: "j1", trialID: "t-1", budget: 30, trainer: surrogate(delay: 0.02), checkpoints: checkpoints))
        var seen: [WorkerMessage.EpochProgress] = []
        for _ in 0..<3 { seen.append(try await first.expectProgress()) }
        try await first.send(.ack(DaemonMessage.Acknowledgement(seq: seen[1].seq)))
        // A stop for an unknown job is only logged; once that line is there, the ack sent before
        // it on the same connection has been processed too.
        try await first.send(
            .stopTrial(DaemonMessage.StopTrial(jobID: "probe", trialID: "none", reason: "probe", graceSeconds: 0)))
        try await waitForWorkerLog(containing: "job probe")
        first.close()  // the daemon goes away mid-trial

        let second = try await daemon.accept()
        let hello = try await second.expectHello()
        XCTAssertEqual(hello.inFlight.map(\.jobID), ["j1"], "hello lists the trial still running")
        XCTAssertEqual(hello.inFlight.first?.attempt, 1)
        XCTAssertGreaterThanOrEqual(hello.inFlight.first?.lastEpochReported ?? 0, 3)
        try await second.send(FakeDaemon.welcome(reattached: ["j1"]))
        let (progress, ending) = try await second.expectEnding()
        guard case .complete(let completion) = ending else { return XCTFail("expected complete, got \(ending)") }
        XCTAssertEqual(progress.first?.seq, seen[1].seq + 1, "acknowledged reports are not resent")
        XCTAssertEqual(progress.map(\.record.epoch), Array(3...30), "unacknowledged epochs resent, then the rest")
        XCTAssertEqual(progress.map(\.seq), progress.map(\.seq).sorted())
        XCTAssertEqual(completion.summary.epochsCompleted, 30)
        try await second.acknowledgeAndDrain(upTo: completion.seq)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testReconnect_trialThatEndedWhileDisconnected_isListedAndItsReportsAreResent() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let first = try await daemon.accept()
        try await first.welcome()
        try await first.send(
            FakeDaemon.assign(
                jobID: "j1", trialID: "t-1", budget: 4, trainer: surrogate(delay: 0.05), checkpoints: checkpoints))
        _ = try await first.expectProgress()
        // The daemon goes away altogether (nothing listens) until the trial has ended.
        let port = daemon.endpoint.port
        daemon.close()
        first.close()
        try await waitForWorkerLog(containing: "reached its budget")
        daemon = try FakeDaemon(port: port)

        let second = try await daemon.accept()
        let hello = try await second.expectHello()
        XCTAssertEqual(hello.inFlight.map(\.jobID), ["j1"], "an ending not yet acknowledged is still in flight")
        XCTAssertEqual(hello.inFlight.first?.lastEpochReported, 4)
        try await second.send(FakeDaemon.welcome(reattached: ["j1"]))
        let (progress, ending) = try await second.expectEnding()
        XCTAssertEqual(progress.map(\.record.epoch), [1, 2, 3, 4], "nothing was acknowledged: everything is resent")
        guard case .complete(let completion) = ending else { return XCTFail("expected complete, got \(ending)") }
        try await second.send(.ack(DaemonMessage.Acknowledgement(seq: completion.seq)))
        let heartbeat = try await second.expect("heartbeat without j1") { message -> WorkerMessage.Heartbeat? in
            if case .heartbeat(let heartbeat) = message, heartbeat.inFlight.isEmpty { return heartbeat }
            return nil
        }
        XCTAssertEqual(heartbeat.inFlight, [], "acknowledged: no longer in flight")
        try await second.send(.drain)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testReconnect_trialNotReattached_isStoppedAndNothingIsReported() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let first = try await daemon.accept()
        try await first.welcome()
        let trainer = WorkerFixtures.commandTrainer("trainer-ignores-term.sh")
        try await first.send(
            FakeDaemon.assign(jobID: "j1", trialID: "t-1", budget: 5, trainer: trainer, checkpoints: checkpoints))
        _ = try await first.expectProgress()
        first.close()

        let second = try await daemon.accept()
        let hello = try await second.expectHello()
        XCTAssertEqual(hello.inFlight.map(\.jobID), ["j1"])
        try await second.send(FakeDaemon.welcome(reattached: []))
        // The abandoned trainer is killed (it ignores SIGTERM) and its slot comes back; nothing
        // about job j1 is reported on this connection.
        let ready = try await second.expect("ready with the slot free") { message -> WorkerMessage.Ready? in
            if case .ready(let ready) = message, ready.freeSlots == 1 { return ready }
            return nil
        }
        XCTAssertEqual(ready.freeSlots, 1)
        let heartbeat = try await second.expectHeartbeat()
        XCTAssertEqual(heartbeat.inFlight, [])
        XCTAssertFalse(second.received.contains { $0.sequenceNumber != nil }, "\(second.received)")
        try await second.send(.drain)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testBadDaemonMessage_closesTheConnection_andTheWorkerReconnects() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let first = try await daemon.accept()
        try await first.welcome()
        try await first.connection.send(frameBytes: Framing.frame(Array(#"{"type":"explode"}"#.utf8)))
        let second = try await daemon.accept()
        try await second.welcome()
        XCTAssertTrue(
            workerLog.lines.contains { $0.contains("bad message from the daemon") && $0.contains("explode") },
            "\(workerLog.lines)")
        let started = monotonicNow()
        while try await first.next(timeout: .seconds(5)) != nil {}
        XCTAssertLessThan(monotonicNow() - started, .seconds(5), "the worker closed the first connection")
        try await second.send(.drain)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testReplayTrials_runInProcess_andAMissingFileFailsTheTrial() async throws {
        let curves = directory.appendingPathComponent("curves.jsonl")
        try Data(#"{"arch":"[C(64,3,1), P(2,2), SM(10)]","curve":[0.4,0.5,0.6]}"#.utf8).write(to: curves)
        let worker = try makeWorker()
        async let exit = worker.run()
        let session = try await daemon.accept()
        try await session.welcome()
        try await session.send(
            FakeDaemon.assign(
                jobID: "j1", trialID: "t-1", budget: 3, trainer: .replay(path: curves.path), checkpoints: checkpoints))
        let (progress, ending) = try await session.expectEnding()
        XCTAssertEqual(progress.map(\.record.validationAccuracy), [0.4, 0.5, 0.6])
        guard case .complete(let completion) = ending else { return XCTFail("expected complete, got \(ending)") }
        XCTAssertEqual(completion.summary.epochsCompleted, 3)

        let missing = directory.appendingPathComponent("absent.jsonl").path
        try await session.send(
            FakeDaemon.assign(
                jobID: "j2", trialID: "t-2", budget: 3, trainer: .replay(path: missing), checkpoints: checkpoints))
        let (_, second) = try await session.expectEnding()
        guard case .fail(let failure) = second else { return XCTFail("expected fail, got \(second)") }
        XCTAssertTrue(failure.reason.contains(missing), failure.reason)
        XCTAssertNil(failure.permanent, "a file missing here may be there on the next attempt's host")

        let other = directory.appendingPathComponent("other.jsonl")
        try Data(#"{"arch":"[C(32,3,1), SM(10)]","curve":[0.4,0.5,0.6]}"#.utf8).write(to: other)
        try await session.send(
            FakeDaemon.assign(
                jobID: "j3", trialID: "t-3", budget: 3, trainer: .replay(path: other.path), checkpoints: checkpoints))
        let (_, third) = try await session.expectEnding()
        guard case .fail(let unrecorded) = third else { return XCTFail("expected fail, got \(third)") }
        XCTAssertTrue(unrecorded.reason.contains("no curve for"), unrecorded.reason)
        XCTAssertEqual(unrecorded.permanent, true, "no attempt can find a curve the table lacks")
        try await session.acknowledgeAndDrain(upTo: unrecorded.seq)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    // MARK: - External trainers

    func testCommandTrials_getTheirSlotsGPUs_andStreamTheirOutput() async throws {
        let worker = try makeWorker(slots: 2, gpus: [0, 1, 2, 3])
        async let exit = worker.run()
        let session = try await daemon.accept()
        try await session.welcome()
        let trainer = TrainerDescription.command(
            argv: WorkerFixtures.shell("trainer-epochs.sh"), environment: ["FAKE_EPOCH_DELAY": "0.1"],
            workingDirectory: directory.path)
        try await session.send(
            FakeDaemon.assign(jobID: "j1", trialID: "t-1", budget: 2, trainer: trainer, checkpoints: checkpoints))
        try await session.send(
            FakeDaemon.assign(jobID: "j2", trialID: "t-2", budget: 2, trainer: trainer, checkpoints: checkpoints))
        var endings: [String: WorkerMessage] = [:]
        while endings.count < 2 {
            let (_, ending) = try await session.expectEnding()
            switch ending {
            case .complete(let completion): endings[completion.jobID] = ending
            case .fail(let failure): endings[failure.jobID] = ending
            default: break
            }
        }
        for jobID in ["j1", "j2"] {
            guard case .complete(let completion)? = endings[jobID] else {
                return XCTFail("\(jobID): \(String(describing: endings[jobID]))")
            }
            XCTAssertEqual(completion.summary.epochsCompleted, 2)
            XCTAssertEqual(completion.summary.metrics, ["train_loss": 1.5])
        }
        let cudaLines = Set(
            (session.logLines(jobID: "j1") + session.logLines(jobID: "j2")).filter { $0.hasPrefix("cuda=") })
        XCTAssertEqual(cudaLines, ["cuda=0,1", "cuda=2,3"], "each slot sees its own GPUs")
        XCTAssertTrue(session.logLines(jobID: "j1").contains("starting"), "stderr is streamed too")
        try await session.acknowledgeAndDrain()
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testCommandTrial_nonZeroExit_failsWithTheLogTail() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let session = try await daemon.accept()
        try await session.welcome()
        let trainer = WorkerFixtures.commandTrainer("trainer-fails.sh")
        try await session.send(
            FakeDaemon.assign(jobID: "j1", trialID: "t-1", budget: 3, trainer: trainer, checkpoints: checkpoints))
        let (progress, ending) = try await session.expectEnding()
        XCTAssertEqual(progress.map(\.record.epoch), [1])
        guard case .fail(let failure) = ending else { return XCTFail("expected fail, got \(ending)") }
        XCTAssertEqual(failure.exitCode, 3)
        XCTAssertNil(failure.signal)
        XCTAssertEqual(failure.reason, "trainer exited with status 3")
        XCTAssertEqual(failure.logTail.count, 20)
        XCTAssertEqual(failure.logTail.last, "ValueError: diverged")
        XCTAssertTrue(session.logLines(jobID: "j1").contains("line 1"), "the whole output went to the log first")
        try await session.acknowledgeAndDrain(upTo: failure.seq)
        let result = try await exit
        XCTAssertEqual(result, .drained)
    }

    func testShutdown_killsRunningTrainers_andExits() async throws {
        let worker = try makeWorker()
        async let exit = worker.run()
        let session = try await daemon.accept()
        try await session.welcome()
        let trainer = WorkerFixtures.commandTrainer("trainer-ignores-term.sh")
        try await session.send(
            FakeDaemon.assign(jobID: "j1", trialID: "t-1", budget: 5, trainer: trainer, checkpoints: checkpoints))
        let progress = try await session.expectProgress()
        try await session.send(.ack(DaemonMessage.Acknowledgement(seq: progress.seq)))
        try await session.send(.shutdown)
        let started = monotonicNow()
        let result = try await exit
        XCTAssertEqual(result, .shutDown)
        XCTAssertLessThan(monotonicNow() - started, .seconds(10))
        XCTAssertFalse(
            session.received.contains {
                if case .complete = $0 { true } else if case .fail = $0 { true } else { false }
            },
            "a shut-down trial is neither complete nor failed: the daemon requeues it")
    }

    func testCancellingRun_stopsTrainers() async throws {
        let worker = try makeWorker()
        let run = Task { try await worker.run() }
        let session = try await daemon.accept()
        try await session.welcome()
        try await session.send(
            FakeDaemon.assign(
                jobID: "j1", trialID: "t-1", budget: 10_000, trainer: surrogate(delay: 0.01), checkpoints: checkpoints))
        _ = try await session.expectProgress()
        run.cancel()
        let result = try await run.value
        XCTAssertEqual(result, .cancelled)
    }

    // MARK: - Options

    func testGPUsPerSlot_splitContiguously_orRoundRobinWhenFewer() throws {
        var options = WorkerRuntime.Options(
            daemon: daemon.endpoint, token: "t", slots: 2, gpus: [0, 1, 2, 3], workerVersion: "x")
        XCTAssertEqual([0, 1].map(options.gpus(forSlot:)), [[0, 1], [2, 3]])
        options.slots = 3
        options.gpus = [0, 1, 2, 3]
        XCTAssertEqual([0, 1, 2].map(options.gpus(forSlot:)), [[0, 1], [2], [3]])
        options.slots = 4
        options.gpus = [5, 6]
        XCTAssertEqual([0, 1, 2, 3].map(options.gpus(forSlot:)), [[5], [6], [5], [6]])
        options.gpus = []
        XCTAssertEqual(options.gpus(forSlot: 0), [])
    }

    func testReadToken_trimsWhitespace_andRejectsAnEmptyFile() throws {
        let file = directory.appendingPathComponent("token")
        try Data("abc123\n".utf8).write(to: file)
        XCTAssertEqual(try WorkerRuntime.Options.readToken(fromFile: file.path), "abc123")
        try Data("\n".utf8).write(to: file)
        XCTAssertThrowsError(try WorkerRuntime.Options.readToken(fromFile: file.path))
        XCTAssertThrowsError(
            try WorkerRuntime.Options.readToken(fromFile: directory.appendingPathComponent("none").path))
    }
}
