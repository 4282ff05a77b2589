import Foundation
import NASProtocol
import NASSystem

/// Serves the control socket: accepts connections on a Unix socket and answers each request frame
/// with one response frame, through a `ControlHandler`.
///
/// One connection may carry any number of requests, answered in order; connections are served
/// concurrently, each in a child task of `run()`. A frame that is not a valid `ControlRequest` is
/// answered with an `invalidRequest` error and the connection goes on; a framing error (a frame
/// over the size limit, a half-written frame) cannot be answered, so that connection is closed and
/// the reason logged. Neither affects other connections.
///
/// ```swift
/// let server = try ControlServer(socketPath: layout.controlSocketPath, handler: daemon)
/// try await server.run()  // until the task is cancelled
/// ```
public final class ControlServer: Sendable {
    /// The socket file.
    public let socketPath: String
    private let listener: OnceClosedListener
    private let handler: any ControlHandler
    private let codec: MessageCodec
    private let maximumFrameSize: Int
    private let limiter: ConnectionLimiter
    private let log: @Sendable (String) -> Void

    /// Binds the control socket (mode 0600), replacing a stale socket file left by a killed daemon.
    ///
    /// Binding happens here rather than in `run()` so that a bad path fails at start and clients may
    /// connect as soon as this returns (connections wait in the backlog until `run()` accepts them).
    ///
    /// - Parameters:
    ///   - socketPath: The socket file, usually `StateDirectoryLayout.controlSocketPath`.
    ///   - handler: Answers the requests.
    ///   - maximumFrameSize: The largest request and response payload, in bytes.
    ///   - connectionLimits: How many connections may be open at once; one more is answered with
    ///     a `tooManyConnections` error and closed.
    ///   - log: Receives one line per connection closed for a reason other than the client's
    ///     clean disconnect.
    /// - Throws: `SocketAddressError.unixPathTooLong` (naming the limit and the `--state-dir`
    ///   remedy), `.unixSocketInUse` when a daemon already listens there, or `SystemError`.
    public init(
        socketPath: String, handler: any ControlHandler, maximumFrameSize: Int = Framing.defaultMaximumFrameSize,
        connectionLimits: ConnectionLimiter.Limits = .controlSocket,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.socketPath = socketPath
        self.listener = OnceClosedListener(try SocketListener.listen(unixPath: socketPath))
        self.handler = handler
        self.codec = MessageCodec(maximumFrameSize: maximumFrameSize)
        self.maximumFrameSize = maximumFrameSize
        self.limiter = ConnectionLimiter(limits: connectionLimits)
        self.log = log
    }

    deinit {
        listener.close()
    }

    /// Accepts and serves connections until the calling task is cancelled.
    ///
    /// Cancellation stops accepting, closes every open connection (a request being handled sees
    /// the cancellation) and removes the socket file; then `run()` returns. Call it once.
    ///
    /// - Throws: `SystemError` when `accept` fails for good (`EMFILE`, ...); the open connections
    ///   are closed first.
    public func run() async throws {
        defer { listener.close() }
        try await withThrowingDiscardingTaskGroup { group in
            defer { group.cancelAll() }
            for try await connection in listener.listener.connections() {
                if let reason = limiter.admit(peer: connection.peer) {
                    log("refusing a control connection: \(reason)")
                    group.addTask { await self.refuse(connection, reason: reason) }
                    continue
                }
                group.addTask {
                    await self.serve(connection)
                    self.limiter.release(peer: connection.peer)
                }
            }
        }
    }

    /// Answers the requests on one connection until the client closes it or the task is cancelled.
    private func serve(_ connection: SocketConnection) async {
        let framed = FramedConnection(connection, maximumFrameSize: maximumFrameSize)
        defer { framed.close() }
        do {
            for try await frame in framed.frames {
                let response = await respond(to: frame)
                try await framed.send(frameBytes: encode(response))
            }
        } catch {
            if !Task.isCancelled {
                log("control connection closed: \(error)")
            }
        }
    }

    /// How long a connection over the limit may take to send the request it is refused.
    static let refusalDeadline: Duration = .seconds(2)

    /// Answers the first request of a connection over the limit with an error saying why, and
    /// closes it (after `refusalDeadline` at the latest, request or not).
    private func refuse(_ connection: SocketConnection, reason: String) async {
        let error = ControlError(
            code: .tooManyConnections, message: "the daemon refuses more control connections: \(reason); retry later")
        guard let bytes = try? codec.encodeFrame(ControlResponse.error(error)) else { return connection.close() }
        let framed = FramedConnection(connection, maximumFrameSize: maximumFrameSize)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // A client reads its answer only after sending its request: wait for that request.
                var frames = framed.frames.makeAsyncIterator()
                if (try? await frames.next()) != nil {
                    try? await framed.send(frameBytes: bytes)
                }
            }
            group.addTask { try? await Task.sleep(for: Self.refusalDeadline) }
            await group.next()
            framed.close()
            group.cancelAll()
        }
    }

    private func respond(to frame: Frame) async -> ControlResponse {
        let request: ControlRequest
        do {
            request = try codec.decode(ControlRequest.self, from: frame)
        } catch {
            return .error(ControlError(code: .invalidRequest, message: error.description))
        }
        return await handler.handle(request)
    }

    /// Frames a response; one that cannot be framed (too large, not encodable) becomes an error
    /// response saying why, which always can.
    private func encode(_ response: ControlResponse) throws -> [UInt8] {
        do {
            return try codec.encodeFrame(response)
        } catch {
            return try codec.encodeFrame(
                ControlResponse.error(
                    ControlError(code: .internalError, message: "the response cannot be sent: \(error.description)")))
        }
    }
}

/// Closes a listener once: `run()` closes it when it ends and `deinit` when the server goes away,
/// and the second `close()` must not unlink a socket file that a newer server has bound since.
///
/// `@unchecked Sendable`: `isClosed` is only touched while holding `lock`.
private final class OnceClosedListener: @unchecked Sendable {
    let listener: SocketListener
    private let lock = NSLock()
    private var isClosed = false

    init(_ listener: SocketListener) {
        self.listener = listener
    }

    func close() {
        lock.lock()
        let shouldClose = !isClosed
        isClosed = true
        lock.unlock()
        if shouldClose {
            listener.close()
        }
    }
}
