import Foundation
import NASConfig
import NASProtocol
import NASStore
import NASSystem
import Synchronization

/// The daemon process: owns the state directory (lock, token), the worker listener, the control
/// socket and the event loop, and runs until a shutdown.
public final class DaemonService: Sendable {
    /// How a daemon is set up.
    public struct Configuration: Sendable {
        public var stateDirectory: URL
        /// Where workers connect (port 0 picks a free port).
        public var listen: SocketEndpoint
        public var leaseTimeout: Double
        public var heartbeatInterval: Double
        public var version: String
        /// See `DaemonOptions.requeueRunningOnShutdown`.
        public var requeueRunningOnShutdown: Bool
        public var maximumFrameSize: Int
        /// Open connections allowed on the worker port, in all and per peer address.
        public var workerConnections: ConnectionLimiter.Limits
        /// Open connections allowed on the control socket.
        public var controlConnections: ConnectionLimiter.Limits
        public var log: DaemonLogger
        /// Builds a run's predictors (benchmarks install fakes; the default reads the configuration).
        public var makePredictors: @Sendable (RunConfiguration) throws -> RunPredictors
        /// Where the dashboard (`/`, `/runs/<name>`, `/metrics`) listens; nil for none.
        public var http: SocketEndpoint?

        public init(
            stateDirectory: URL, listen: SocketEndpoint = SocketEndpoint(host: "127.0.0.1", port: 7878),
            leaseTimeout: Double = 30, heartbeatInterval: Double = 5, version: String,
            requeueRunningOnShutdown: Bool = false, maximumFrameSize: Int = Framing.defaultMaximumFrameSize,
            workerConnections: ConnectionLimiter.Limits = .workerPort,
            controlConnections: ConnectionLimiter.Limits = .controlSocket, log: DaemonLogger = .standardError,
            http: SocketEndpoint? = nil,
            makePredictors: @escaping @Sendable (RunConfiguration) throws -> RunPredictors = SearchSetup.makePredictors
        ) {
            self.makePredictors = makePredictors
            self.stateDirectory = stateDirectory
            self.listen = listen
            self.leaseTimeout = leaseTimeout
            self.heartbeatInterval = heartbeatInterval
            self.version = version
            self.requeueRunningOnShutdown = requeueRunningOnShutdown
            self.maximumFrameSize = maximumFrameSize
            self.workerConnections = workerConnections
            self.controlConnections = controlConnections
            self.log = log
            self.http = http
        }
    }

    public let configuration: Configuration
    public let layout: StateDirectoryLayout
    /// The port workers connect to (the real one when `listen` asked for port 0).
    public let workerPort: UInt16
    /// The dashboard's port (the real one when `http` asked for port 0), nil without a dashboard.
    public var httpPort: UInt16? { httpServer?.port }
    /// The path of the token file workers need.
    public var tokenPath: String { layout.tokenPath }
    /// The event loop's own time per batch (the last 65,536 batches), for in-process benchmarks.
    public var batchTimes: LatencyRecorder.Summary { loop.batchTime.summary }

    private let lock: FileLock
    private let token: String
    private let workerListener: SocketListener
    private let controlServer: ControlServer
    private let controlHandler: DaemonControlHandler
    private let httpServer: HTTPServer?
    private let loop: EventLoop
    private let connections = Outbound()
    private let workerLimiter: ConnectionLimiter

    /// Takes the state directory (one daemon per directory), creates its token on first start,
    /// and binds the worker and control sockets, so that errors surface before anything runs.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        layout = StateDirectoryLayout(path: configuration.stateDirectory.path)
        // Owner only: the runs' stores, logs and the token are the user's alone (docs/operations.md).
        try FileManager.default.createDirectory(
            at: configuration.stateDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: RunStore.directoryPermissions])
        lock = try FileLock.acquire(path: layout.lockPath)
        token = try Self.loadOrCreateToken(at: layout.tokenPath)
        workerListener = try SocketListener.listen(on: configuration.listen)
        workerPort = workerListener.port ?? configuration.listen.port
        workerLimiter = ConnectionLimiter(limits: configuration.workerConnections)
        let loop = EventLoop()
        self.loop = loop
        controlHandler = DaemonControlHandler(loop: loop, layout: layout)
        controlServer = try ControlServer(
            socketPath: layout.controlSocketPath, handler: controlHandler,
            maximumFrameSize: configuration.maximumFrameSize,
            connectionLimits: configuration.controlConnections, log: { configuration.log($0) })
        if let endpoint = configuration.http {
            let layout = StateDirectoryLayout(path: configuration.stateDirectory.path)
            httpServer = try Self.makeDashboard(
                on: endpoint, layout: layout, loop: loop, log: configuration.log.component("http"))
        } else {
            httpServer = nil
        }
    }

    /// The dashboard's server: pages read the stores on the server's threads; the core's gauges come
    /// through the control path (a `metrics` request posted to the loop, waited for on that thread).
    private static func makeDashboard(
        on endpoint: SocketEndpoint, layout: StateDirectoryLayout, loop: EventLoop, log: DaemonLogger
    ) throws -> HTTPServer {
        let site = DashboardSite(
            layout: layout, access: try DashboardAccess(endpoint: endpoint, layout: layout),
            gauges: { Self.coreGauges(from: loop) }, ackLatency: { loop.ackLatency.summary })
        return try HTTPServer(endpoint: endpoint, log: log) { site.respond(to: $0) }
    }

    /// Asks the core for its gauges and waits (at most 2 s) on the calling thread, which must not be
    /// the loop's or the cooperative pool's.
    private static func coreGauges(from loop: EventLoop) -> CoreGauges? {
        let answer = Mutex<CoreGauges?>(nil)
        let done = DispatchSemaphore(value: 0)
        loop.post(
            .control(
                .metrics,
                ControlReply { response in
                    if case .ok(let payload) = response {
                        answer.withLock { $0 = try? payload.decode(as: CoreGauges.self) }
                    }
                    done.signal()
                }))
        guard done.wait(timeout: .now() + 2) == .success else { return nil }
        return answer.withLock { $0 }
    }

    deinit {
        workerListener.close()
        lock.release()
    }

    /// Answers a control request as the control socket would (hosted runs from the core, the
    /// others from their stores): what `nasd run` uses in process.
    public func control(_ request: ControlRequest) async -> ControlResponse {
        await controlHandler.handle(request)
    }

    /// Queues an event for the core (used by `nasd run` to shut down on Ctrl-C).
    public func post(_ event: DaemonEvent) {
        loop.post(event)
    }

    /// Serves until a shutdown (a client's, SIGTERM or SIGINT) has been made durable.
    public func run() async throws {
        let options = DaemonOptions(
            stateDirectory: configuration.stateDirectory, token: token, leaseTimeout: configuration.leaseTimeout,
            heartbeatInterval: configuration.heartbeatInterval, version: configuration.version,
            requeueRunningOnShutdown: configuration.requeueRunningOnShutdown,
            makePredictors: configuration.makePredictors)
        let log = configuration.log
        log("serving state directory \(layout.path); workers connect to \(configuration.listen.host):\(workerPort)")
        if let mode = Self.permissions(of: layout.path), mode & 0o077 != 0 {
            log(
                "warning: the state directory \(layout.path) is mode \(String(mode, radix: 8)): other users may be able "
                    + "to read the runs' configurations and logs; 'chmod 700 \(layout.path)' makes it private "
                    + "(docs/operations.md, \"Permissions\")")
        }
        if !Self.isLoopback(configuration.listen.host) {
            log(
                "warning: the worker port listens on \(configuration.listen.host), beyond this host: workers send the "
                    + "token in clear (there is no TLS), so use it only on a network you trust, or reach it through "
                    + "an SSH tunnel or a VPN (docs/operations.md, \"Threat model\")")
        }
        let signals = try Signals.stream(of: [SIGTERM, SIGINT])
        let serviceFailure = Locked<String?>(nil)
        // A service that fails for good (the worker listener, the control server) records why and
        // asks the loop to shut down, so the daemon exits non-zero instead of hanging on the loop.
        let failing: @Sendable (String, any Error) -> Void = { [loop] part, error in
            let reason = "the \(part) failed: \(error)"
            log("error: \(reason)")
            serviceFailure.withLock { $0 = $0 ?? reason }
            loop.post(.shutdownRequested(reason: reason))
        }
        let exit = try await withThrowingTaskGroup(of: DaemonExit?.self) { group in
            group.addTask { [loop, connections] in
                try await Self.runLoop(loop, options: options, connections: connections, log: log)
            }
            group.addTask {
                do {
                    try await self.acceptWorkers()
                } catch {
                    if Task.isCancelled { throw error }
                    failing("worker listener", error)
                }
                return nil
            }
            group.addTask {
                do {
                    try await self.controlServer.run()
                } catch {
                    if Task.isCancelled { throw error }
                    failing("control server", error)
                }
                return nil
            }
            if let httpServer {
                let host = configuration.http?.host ?? "127.0.0.1"
                let key =
                    DashboardAccess.isLoopback(host) ? "" : " (key in \(layout.path)/\(DashboardAccess.keyFileName))"
                log("dashboard at http://\(host):\(httpServer.port)/\(key)")
                group.addTask {
                    do {
                        try await httpServer.run()
                    } catch {
                        if Task.isCancelled { throw error }
                        failing("dashboard", error)
                    }
                    return nil
                }
            }
            group.addTask { [controlHandler] in
                await controlHandler.warmUp()
                return nil
            }
            group.addTask { [loop] in
                for await signal in signals {
                    loop.post(.shutdownRequested(reason: signal == SIGINT ? "interrupted (SIGINT)" : "SIGTERM"))
                }
                return nil
            }
            // The event loop ends first (on shutdown or a store failure); the others end when cancelled.
            var exit: DaemonExit?
            while exit == nil, let next = try await group.next() {
                exit = next
            }
            // The last batch's acknowledgements and messages are queued before the close of each
            // connection: let the writers send them before the connections are torn down.
            workerListener.shutdown()
            connections.closeAll()
            await connections.waitUntilClosed(timeout: .seconds(2))
            group.cancelAll()
            return exit
        }
        workerListener.close()
        if case .storeFailure(let reason) = exit {
            log("stopped: \(reason)")
            throw DaemonServiceError.storeFailure(reason)
        }
        if let reason = serviceFailure.withLock({ $0 }) {
            log("stopped: \(reason)")
            throw DaemonServiceError.serviceFailed(reason)
        }
        log("stopped")
    }

    /// Runs the event loop on a thread of its own (it blocks on SQLite and a condition variable).
    /// The core is created on that thread and never leaves it.
    private static func runLoop(
        _ loop: EventLoop, options: DaemonOptions, connections: Outbound, log: DaemonLogger
    ) async throws -> DaemonExit {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DaemonExit, any Error>) in
            let thread = Thread {
                let core: DaemonCore
                do {
                    core = try DaemonCore(options: options, log: log)
                } catch {
                    return continuation.resume(throwing: error)
                }
                // Fits run here, one at a time in the order they were asked for, never on the
                // loop's thread: acknowledgements and leases keep flowing while a model trains.
                let predictorQueue = DispatchQueue(label: "nasd-predictor-fits", qos: .utility)
                let logQueue = DispatchQueue(label: "nasd-trial-logs", qos: .utility)
                let exit = loop.run(core: core) { action in
                    switch action {
                    case .fit(let job):
                        predictorQueue.async { loop.post(job.run()) }
                    case .appendLog(let url, let lines):
                        logQueue.async {
                            do {
                                try TrialLogFile.append(lines, to: url)
                            } catch {
                                log("cannot write the trial log \(url.path): \(error)")
                            }
                        }
                    case .removeCheckpoints(let url):
                        logQueue.async {
                            guard FileManager.default.fileExists(atPath: url.path) else { return }
                            do {
                                try FileManager.default.removeItem(at: url)
                            } catch {
                                log("cannot remove the checkpoints \(url.path): \(error)")
                            }
                        }
                    case .send(let connection, let message):
                        connections.send(message, to: connection)
                    case .close(let connection, let reason):
                        log("closing \(connection): \(reason)")
                        connections.close(connection)
                    case .reply(let reply, let response):
                        reply(response)
                    case .describeHostedRuns(let reply, let runs):
                        reply(runs)
                    case .exit:
                        break
                    }
                }
                logQueue.sync {}  // the last batch's log lines are on disk before the daemon stops
                continuation.resume(returning: exit)
            }
            thread.name = "nasd-event-loop"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func acceptWorkers() async throws {
        let listener = workerListener
        try await withThrowingDiscardingTaskGroup { group in
            var next = 0
            for try await socket in listener.connections() {
                if let reason = workerLimiter.admit(peer: socket.peer) {
                    configuration.log("refusing a worker connection from \(socket.peer): \(reason)")
                    group.addTask { self.refuse(socket, reason: reason) }
                    continue
                }
                next += 1
                let id = ConnectionID(next)
                group.addTask {
                    await self.serveWorker(socket, id: id)
                    self.workerLimiter.release(peer: socket.peer)
                }
            }
        }
    }

    /// Tells a connection over the limits why it is refused, and closes it.
    private func refuse(_ socket: SocketConnection, reason: String) {
        let refusal = DaemonMessage.refused(
            .init(
                code: .tooManyConnections, message: "the daemon refuses more worker connections: \(reason)",
                workerProtocolVersion: nil))
        if let frame = try? MessageCodec(maximumFrameSize: configuration.maximumFrameSize).encodeFrame(refusal) {
            try? socket.write(frame)
        }
        socket.close()
    }

    /// Reads one worker connection's frames into the loop and writes what the core sends it.
    private func serveWorker(_ socket: SocketConnection, id: ConnectionID) async {
        let framed = FramedConnection(socket, maximumFrameSize: configuration.maximumFrameSize)
        let codec = MessageCodec(maximumFrameSize: configuration.maximumFrameSize)
        let outgoing = connections.register(id)
        loop.post(.workerConnected(id, peer: socket.peer))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await item in outgoing {
                    switch item {
                    case .message(let message):
                        do {
                            try await framed.send(message, codec: codec)
                        } catch {
                            framed.close()
                            return
                        }
                    case .close:
                        framed.close()
                        return
                    }
                }
            }
            var reason = "closed by the worker"
            var sequence = ReportSequence()
            do {
                for try await frame in framed.frames {
                    let message = try codec.decode(WorkerMessage.self, from: frame)
                    try sequence.accept(message, frame: frame.index)
                    loop.post(.workerMessage(id, message))
                }
            } catch {
                reason = "\(error)"
                configuration.log("\(id) from \(socket.peer): \(error); closing it")
            }
            loop.post(.workerDisconnected(id, reason: reason))
            connections.remove(id)
            framed.close()
        }
    }

    /// The permission bits of a path, when it can be read.
    static func permissions(of path: String) -> Int? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.posixPermissions] as? NSNumber).map { $0.intValue & 0o777 }
    }

    /// Whether a listen address is reachable from this host only.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    private static func loadOrCreateToken(at path: String) throws -> String {
        if FileManager.default.fileExists(atPath: path) {
            let text = String(decoding: try AtomicFile.read(path, limit: 4096), as: UTF8.self)
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw DaemonStartError.emptyToken(path: path) }
            return token
        }
        let token = try SecureRandom.hexString(byteCount: 32)
        try AtomicFile.write(Array((token + "\n").utf8), to: path, permissions: 0o600)
        return token
    }
}

/// Why a running daemon stopped with a failure (the command exits non-zero with it).
public enum DaemonServiceError: Error, CustomStringConvertible {
    /// A batch could not be committed (disk full, I/O error, a read-only store).
    case storeFailure(String)
    /// The worker listener or the control server failed for good.
    case serviceFailed(String)

    public var description: String {
        switch self {
        case .storeFailure(let reason):
            return "\(reason); nothing unacknowledged was announced: free the space or fix the store, then start the "
                + "daemon again to resume"
        case .serviceFailed(let reason): return reason
        }
    }
}

/// Why a daemon could not start.
public enum DaemonStartError: Error, CustomStringConvertible {
    case emptyToken(path: String)

    public var description: String {
        switch self {
        case .emptyToken(let path): return "the token file \(path) is empty; delete it to have a new one made"
        }
    }
}

/// The outgoing queues of the worker connections, shared by the loop thread and the connections.
final class Outbound: Sendable {
    enum Item: Sendable {
        case message(DaemonMessage)
        case close
    }

    private let queues = Mutex<[ConnectionID: AsyncStream<Item>.Continuation]>([:])

    func register(_ id: ConnectionID) -> AsyncStream<Item> {
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self)
        queues.withLock { $0[id] = continuation }
        return stream
    }

    func send(_ message: DaemonMessage, to id: ConnectionID) {
        _ = queues.withLock { $0[id] }?.yield(Item.message(message))
    }

    func close(_ id: ConnectionID) {
        _ = queues.withLock { $0[id] }?.yield(Item.close)
    }

    func remove(_ id: ConnectionID) {
        queues.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    func closeAll() {
        for continuation in queues.withLock({ Array($0.values) }) {
            continuation.yield(Item.close)
        }
    }

    /// Waits until every connection has been removed (its writer sent what was queued before its
    /// close), or `timeout` passed.
    func waitUntilClosed(timeout: Duration) async {
        let deadline = monotonicNow() + timeout
        while !queues.withLock({ $0.isEmpty }) && monotonicNow() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
