import Foundation
import NASCore
import NASProtocol
import NASSystem
import XCTest

/// A daemon stand-in for worker tests: a real TCP listener on 127.0.0.1 (port 0) whose
/// connections speak the worker protocol frame by frame, driven by the test.
final class FakeDaemon: Sendable {
    let listener: SocketListener
    let endpoint: SocketEndpoint
    static let token = "fake-token-0123456789abcdef"

    /// Listens on `port` (0: any free port).
    init(port: UInt16 = 0) throws {
        listener = try SocketListener.listen(on: SocketEndpoint(host: "127.0.0.1", port: port))
        endpoint = SocketEndpoint(host: "127.0.0.1", port: listener.port ?? 0)
    }

    /// Accepts the next worker connection (on a thread: `accept` blocks).
    func accept(timeout: Duration = .seconds(10)) async throws -> FakeWorkerConnection {
        let listener = self.listener
        let accepted: Result<SocketConnection?, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: Result { try listener.accept() }) }
            thread.start()
        }
        guard let connection = try accepted.get() else {
            throw FakeDaemonError.listenerClosed
        }
        return FakeWorkerConnection(FramedConnection(connection))
    }

    func close() {
        listener.close()
    }

    /// A welcome with fast heartbeats.
    static func welcome(reattached: [String] = [], heartbeat: Double = 0.1) -> DaemonMessage {
        .welcome(
            DaemonMessage.Welcome(
                daemonVersion: "test", heartbeatInterval: heartbeat, leaseTimeout: 10, reattachedJobIDs: reattached))
    }

    /// An assignment of a small network.
    static func assign(
        jobID: String, trialID: String, budget: Int, trainer: TrainerDescription, checkpoints: URL,
        startEpoch: Int = 0, attempt: Int = 1
    ) throws -> DaemonMessage {
        let spec = TrialSpec(
            trialID: trialID, runName: "demo", architecture: try Architecture(notation: "[C(64,3,1), P(2,2), SM(10)]"),
            hyperparameters: ["learning_rate": 0.1], seed: 7, epochBudget: budget, startEpoch: startEpoch,
            checkpointDirectory: checkpoints.appendingPathComponent(trialID).path)
        return .assign(DaemonMessage.Assignment(jobID: jobID, attempt: attempt, spec: spec, trainer: trainer))
    }
}

enum FakeDaemonError: Error {
    case listenerClosed
    case timedOut(waitingFor: String)
    case connectionEnded(waitingFor: String)
}

/// One worker connection as the fake daemon sees it. Used from one test task at a time.
final class FakeWorkerConnection: @unchecked Sendable {
    let connection: FramedConnection
    private var frames: FramedConnection.Frames.AsyncIterator
    private let codec = MessageCodec()
    /// Every message received, in order.
    private(set) var received: [WorkerMessage] = []

    init(_ connection: FramedConnection) {
        self.connection = connection
        frames = connection.frames.makeAsyncIterator()
    }

    /// The next message, or `nil` when the worker closed the connection; fails the wait after
    /// `timeout` by closing the connection.
    func next(timeout: Duration = .seconds(10)) async throws -> WorkerMessage? {
        let connection = self.connection
        let frame = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { connection.close() }
            }
            defer { group.cancelAll() }
            return try await frames.next()
        }
        guard let frame else { return nil }
        let message = try codec.decode(WorkerMessage.self, from: frame)
        received.append(message)
        return message
    }

    /// Reads messages until `match` extracts a value from one; the others are skipped (and kept
    /// in `received`).
    func expect<Value>(
        _ what: String, timeout: Duration = .seconds(10), _ match: (WorkerMessage) -> Value?
    ) async throws -> Value {
        let deadline = monotonicNow() + timeout
        while true {
            let left = deadline - monotonicNow()
            guard left > .zero else { throw FakeDaemonError.timedOut(waitingFor: what) }
            guard let message = try await next(timeout: left) else {
                if monotonicNow() >= deadline { throw FakeDaemonError.timedOut(waitingFor: what) }
                throw FakeDaemonError.connectionEnded(waitingFor: what)
            }
            if let value = match(message) { return value }
        }
    }

    func expectHello() async throws -> WorkerMessage.Hello {
        try await expect("hello") { if case .hello(let hello) = $0 { hello } else { nil } }
    }

    func expectReady() async throws -> WorkerMessage.Ready {
        try await expect("ready") { if case .ready(let ready) = $0 { ready } else { nil } }
    }

    func expectProgress() async throws -> WorkerMessage.EpochProgress {
        try await expect("epochProgress") { if case .epochProgress(let progress) = $0 { progress } else { nil } }
    }

    func expectHeartbeat() async throws -> WorkerMessage.Heartbeat {
        try await expect("heartbeat") { if case .heartbeat(let heartbeat) = $0 { heartbeat } else { nil } }
    }

    /// Reads until the trial's final report, returning the epoch reports met on the way.
    func expectEnding(
        timeout: Duration = .seconds(20)
    ) async throws -> (progress: [WorkerMessage.EpochProgress], ending: WorkerMessage) {
        var progress: [WorkerMessage.EpochProgress] = []
        let ending = try await expect("complete or fail", timeout: timeout) { message -> WorkerMessage? in
            switch message {
            case .epochProgress(let report):
                progress.append(report)
                return nil
            case .complete, .fail:
                return message
            default:
                return nil
            }
        }
        return (progress, ending)
    }

    /// The log lines received so far for a job.
    func logLines(jobID: String) -> [String] {
        received.flatMap { message -> [String] in
            if case .log(let log) = message, log.jobID == jobID { return log.lines }
            return []
        }
    }

    /// Handshake: reads hello, answers welcome, reads the first ready.
    @discardableResult
    func welcome(reattached: [String] = []) async throws -> WorkerMessage.Hello {
        let hello = try await expectHello()
        try await send(FakeDaemon.welcome(reattached: reattached))
        return hello
    }

    func send(_ message: DaemonMessage) async throws {
        try await connection.send(message, codec: codec)
    }

    /// Acknowledges every report up to `seq` (or everything received so far), then asks the
    /// worker to drain: the common end of a test.
    func acknowledgeAndDrain(upTo seq: UInt64? = nil) async throws {
        let last = seq ?? received.compactMap(\.sequenceNumber).max() ?? 0
        try await send(.ack(DaemonMessage.Acknowledgement(seq: last)))
        try await send(.drain)
    }

    func close() {
        connection.close()
    }
}
