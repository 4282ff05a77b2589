import Foundation
import NASSystem
import Synchronization

/// A small HTTP/1.1 server for the dashboard: GET and HEAD, one request per connection.
///
/// Each connection is served on a thread of its own (reads block, and the handler reads run stores),
/// never on the cooperative pool and never on the daemon's event loop. Limits: a request head of at
/// most `maximumHeadBytes`, `maximumConnections` served at once (more get `503` and are closed),
/// and `timeout` for the request to arrive and for the response to be taken.
public final class HTTPServer: Sendable {
    /// The limits of one server.
    public struct Limits: Sendable {
        public var maximumHeadBytes: Int
        public var maximumConnections: Int
        public var timeout: Duration

        public init(maximumHeadBytes: Int = 8192, maximumConnections: Int = 32, timeout: Duration = .seconds(10)) {
            self.maximumHeadBytes = maximumHeadBytes
            self.maximumConnections = maximumConnections
            self.timeout = timeout
        }
    }

    /// Answers one request; runs on the connection's thread and may block.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// The bound TCP port (the real one when asked for port 0).
    public let port: UInt16
    private let listener: SocketListener
    private let limits: Limits
    private let handler: Handler
    private let log: DaemonLogger
    private let open = Mutex<[Int: SocketConnection]>([:])
    private let nextID = Atomic<Int>(0)
    /// Answers connections over the cap with 503, one at a time (so refusing costs one thread).
    private let refusals = DispatchQueue(label: "nasd-http-refusals")

    /// Binds the listener, so that a taken port fails at start.
    ///
    /// - Throws: `SocketAddressError` or `SystemError` (`EADDRINUSE`, …).
    public init(endpoint: SocketEndpoint, limits: Limits = Limits(), log: DaemonLogger, handler: @escaping Handler)
        throws
    {
        listener = try SocketListener.listen(on: endpoint)
        port = listener.port ?? endpoint.port
        self.limits = limits
        self.handler = handler
        self.log = log
    }

    deinit {
        listener.close()
    }

    /// How many connections are open now.
    public var openConnections: Int { open.withLock { $0.count } }

    /// Accepts connections until the calling task is cancelled; then stops accepting and closes the
    /// connections still open.
    public func run() async throws {
        defer {
            listener.close()
            for connection in open.withLock({ Array($0.values) }) { connection.shutdown() }
        }
        for try await connection in listener.connections() {
            let id = nextID.add(1, ordering: .relaxed).newValue
            let admitted = open.withLock { connections -> Bool in
                guard connections.count < limits.maximumConnections else { return false }
                connections[id] = connection
                return true
            }
            guard admitted else {
                log.warning("refusing \(connection.peer): \(limits.maximumConnections) connections already open")
                refusals.async { [self] in
                    try? connection.setSendTimeout(.seconds(1))
                    try? connection.write(HTTPResponse.text(503, "too many connections; try again").serialized())
                    connection.shutdown(.write)
                    discardUnreadInput(connection)
                    connection.close()
                }
                continue
            }
            let thread = Thread { [self] in
                serve(connection)
                open.withLock { $0[id] = nil }
                connection.close()
            }
            thread.name = "nasd-http"
            thread.start()
        }
    }

    /// Reads one request head, answers it and closes.
    private func serve(_ connection: SocketConnection) {
        let response: HTTPResponse
        var isHead = false
        do {
            try connection.setReceiveTimeout(limits.timeout)
            try connection.setSendTimeout(limits.timeout)
            let request = try HTTPRequest(head: try readHead(connection))
            isHead = request.method == "HEAD"
            response = handler(request)
            log.debug("\(request.method) \(request.path) from \(connection.peer): \(response.status)")
        } catch let error as HTTPRequestError {
            response = .text(error.status, error.description)
        } catch let error as SystemError where error.code == EAGAIN || error.code == EWOULDBLOCK {
            response = .text(408, "the request did not arrive in time")
        } catch {
            log.debug("http connection from \(connection.peer) closed: \(error)")
            return
        }
        do {
            try connection.write(response.serialized(includingBody: !isHead))
        } catch {
            log.debug("http response to \(connection.peer) not sent: \(error)")
        }
        connection.shutdown(.write)
        discardUnreadInput(connection)
    }

    /// Reads what the client still sends (the rest of a refused, oversized request) until it closes,
    /// for at most a second and 64 KiB: closing with unread input would reset the connection and
    /// could destroy the response before the client reads it.
    private func discardUnreadInput(_ connection: SocketConnection) {
        try? connection.setReceiveTimeout(.milliseconds(500))
        var discarded = 0
        while discarded < 64 << 10, let chunk = try? connection.read(upToCount: 4096), !chunk.isEmpty {
            discarded += chunk.count
        }
    }

    /// The bytes before the first blank line.
    private func readHead(_ connection: SocketConnection) throws -> [UInt8] {
        var buffer: [UInt8] = []
        var scanned = 0
        while true {
            let chunk = try connection.read(upToCount: 2048)
            guard !chunk.isEmpty else { throw HTTPRequestError.malformed("the connection closed mid-request") }
            buffer += chunk
            // Resume the scan a few bytes back, so a terminator split across reads is found.
            var index = max(0, scanned - 3)
            while index + 3 < buffer.count {
                if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                    return Array(buffer[..<index])
                }
                index += 1
            }
            scanned = buffer.count
            if buffer.count > limits.maximumHeadBytes {
                throw HTTPRequestError.headTooLarge(limit: limits.maximumHeadBytes)
            }
        }
    }
}
