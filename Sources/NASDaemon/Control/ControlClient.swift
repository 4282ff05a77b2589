import Dispatch
import Glibc
import NASProtocol
import NASSystem

/// Sends control requests to a running daemon over its Unix socket.
///
/// Each `send(_:)` opens a connection, writes one request, reads one response and closes the
/// connection.
///
/// ```swift
/// let client = ControlClient(stateDirectory: StateDirectoryLayout(path: "runs"))
/// let response = try await client.send(.status(run: nil))
/// ```
public struct ControlClient: Sendable {
    /// The control socket.
    public var socketPath: String
    /// The state directory, for error messages.
    public var stateDirectory: String
    /// The largest request and response payload, in bytes.
    public var maximumFrameSize: Int

    /// A client for the daemon of a state directory (`<state>/control.sock`).
    public init(stateDirectory: StateDirectoryLayout, maximumFrameSize: Int = Framing.defaultMaximumFrameSize) {
        self.socketPath = stateDirectory.controlSocketPath
        self.stateDirectory = stateDirectory.path
        self.maximumFrameSize = maximumFrameSize
    }

    /// A client for a control socket at any path (tests).
    public init(socketPath: String, maximumFrameSize: Int = Framing.defaultMaximumFrameSize) {
        self.socketPath = socketPath
        var directory = socketPath
        if let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
        } else {
            directory = "."
        }
        self.stateDirectory = directory.isEmpty ? "/" : directory
        self.maximumFrameSize = maximumFrameSize
    }

    /// Sends one request and waits for its response.
    ///
    /// - Parameter request: The request.
    /// - Returns: The daemon's response, `.ok` or `.error`.
    /// - Throws: `ControlClientError.daemonNotRunning` when nothing listens at the socket path,
    ///   `.cannotConnect`, `.noResponse`, or `.invalidResponse`.
    public func send(_ request: ControlRequest) async throws(ControlClientError) -> ControlResponse {
        let connection = try await connect()
        let framed = FramedConnection(connection, maximumFrameSize: maximumFrameSize)
        defer { framed.close() }
        let codec = MessageCodec(maximumFrameSize: maximumFrameSize)
        let frame: Frame?
        do {
            try await framed.send(request, codec: codec)
            var frames = framed.frames.makeAsyncIterator()
            frame = try await frames.next()
        } catch let error as ProtocolError {
            if case .unencodable = error {
                throw .invalidResponse(socketPath: socketPath, detail: "the request cannot be sent: \(error)")
            }
            if case .payloadTooLarge = error {
                throw .cannotConnect(socketPath: socketPath, detail: "the request is too large: \(error)")
            }
            throw .invalidResponse(socketPath: socketPath, detail: error.description)
        } catch {
            throw .noResponse(socketPath: socketPath, detail: "\(error)")
        }
        guard let frame else {
            throw .noResponse(socketPath: socketPath, detail: "end of file")
        }
        do {
            return try codec.decode(ControlResponse.self, from: frame)
        } catch {
            throw .invalidResponse(socketPath: socketPath, detail: error.description)
        }
    }

    /// Connects on a dispatch thread: `connect` blocks while the daemon's backlog is full, and must
    /// not hold a thread of the cooperative pool.
    private func connect() async throws(ControlClientError) -> SocketConnection {
        let socketPath = self.socketPath
        let stateDirectory = self.stateDirectory
        let result: Result<SocketConnection, ControlClientError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: .success(try SocketConnection.connect(unixPath: socketPath)))
                } catch let error as SystemError where [ENOENT, ECONNREFUSED, ENOTDIR].contains(error.code) {
                    continuation.resume(
                        returning: .failure(.daemonNotRunning(stateDirectory: stateDirectory, socketPath: socketPath)))
                } catch {
                    continuation.resume(returning: .failure(.cannotConnect(socketPath: socketPath, detail: "\(error)")))
                }
            }
        }
        return try result.get()
    }
}
