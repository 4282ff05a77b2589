import Glibc

/// A connected stream socket (TCP or Unix), with blocking reads and writes.
///
/// Call its blocking methods from a dedicated thread (or use `FramedConnection`, which does);
/// never from the cooperative async pool. TCP connections have `TCP_NODELAY` set: the protocol
/// sends small frames and wants them on the wire at once.
public final class SocketConnection: Sendable {
    /// Which direction(s) `shutdown(_:)` closes.
    public enum ShutdownDirection: Sendable {
        /// No more reads; a blocked reader wakes with end of file.
        case read
        /// No more writes; the peer reads end of file.
        case write
        /// Both.
        case both
    }

    /// The owned socket descriptor.
    public let descriptor: FileDescriptor
    /// The peer's address (`127.0.0.1:53422`, or `unix`), for logs.
    public let peer: String

    /// Wraps a connected socket.
    ///
    /// - Parameters:
    ///   - descriptor: The connected socket.
    ///   - peer: The peer's address, for logs.
    public init(descriptor: FileDescriptor, peer: String) {
        self.descriptor = descriptor
        self.peer = peer
    }

    /// Connects to a TCP endpoint, trying each resolved address in turn.
    ///
    /// - Parameters:
    ///   - endpoint: The host and port.
    ///   - timeout: How long each attempt may take.
    /// - Throws: `SocketAddressError` (unresolvable host, timeout) or `SystemError` (refused, ...).
    public static func connect(to endpoint: SocketEndpoint, timeout: Duration = .seconds(10)) throws
        -> SocketConnection
    {
        var lastError: any Error = SocketAddressError.unresolvableHost(host: endpoint.host, detail: "no addresses")
        for address in try SocketAddress.resolve(endpoint, passive: false) {
            do {
                return try connect(address, endpoint: endpoint, timeout: timeout)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(
        _ address: SocketAddress.Resolved, endpoint: SocketEndpoint, timeout: Duration
    ) throws -> SocketConnection {
        let raw = socket(
            address.family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard raw >= 0 else {
            throw SystemError.fromErrno("socket", context: endpoint.description)
        }
        let descriptor = FileDescriptor(adopting: raw)
        var storage = address.storage
        let status = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(raw, $0, address.length) }
        }
        if status != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else {
                throw SystemError(call: "connect", code: code, context: endpoint.description)
            }
            try waitUntilConnected(raw, endpoint: endpoint, timeout: timeout)
        }
        let flags = fcntl(raw, F_GETFL)
        guard flags >= 0, fcntl(raw, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            throw SystemError.fromErrno("fcntl", context: endpoint.description)
        }
        try SocketAddress.setOption(raw, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1, call: "TCP_NODELAY")
        return SocketConnection(descriptor: descriptor, peer: endpoint.description)
    }

    private static func waitUntilConnected(_ raw: Int32, endpoint: SocketEndpoint, timeout: Duration) throws {
        let deadline = monotonicNow() + timeout
        while true {
            let remaining = deadline - monotonicNow()
            let milliseconds = max(
                0,
                Int32(
                    clamping: remaining.components.seconds * 1000
                        + remaining.components.attoseconds / 1_000_000_000_000_000))
            var poller = pollfd(fd: raw, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                throw SystemError(call: "poll", code: code, context: endpoint.description)
            }
            if ready == 0 {
                let seconds =
                    Double(timeout.components.seconds)
                    + Double(timeout.components.attoseconds) / 1e18
                throw SocketAddressError.connectTimedOut(endpoint: endpoint.description, seconds: seconds)
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(raw, SOL_SOCKET, SO_ERROR, &socketError, &length) == 0 else {
                throw SystemError.fromErrno("getsockopt", context: endpoint.description)
            }
            guard socketError == 0 else {
                throw SystemError(call: "connect", code: socketError, context: endpoint.description)
            }
            return
        }
    }

    /// Connects to a Unix domain socket.
    ///
    /// - Parameter path: The socket file.
    /// - Throws: `SocketAddressError.unixPathTooLong`, or `SystemError` (`ENOENT`, `ECONNREFUSED`).
    public static func connect(unixPath path: String) throws -> SocketConnection {
        var address = try SocketAddress.unix(path: path)
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else {
            throw SystemError.fromErrno("socket", context: path)
        }
        let descriptor = FileDescriptor(adopting: raw)
        while true {
            let status = SocketAddress.withSockaddr(&address) { Glibc.connect(raw, $0, $1) }
            if status == 0 {
                return SocketConnection(descriptor: descriptor, peer: "unix")
            }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call: "connect", code: code, context: path)
        }
    }

    /// Reads up to `count` bytes, blocking until some arrive.
    ///
    /// - Returns: The bytes; empty when the peer closed its side (or after `shutdown(.read)`).
    /// - Throws: `SystemError` (`ECONNRESET`, `EBADF` after `close`).
    public func read(upToCount count: Int) throws(SystemError) -> [UInt8] {
        try descriptor.read(upToCount: count)
    }

    /// Writes every byte, looping on partial sends and retrying on `EINTR`.
    ///
    /// - Throws: `SystemError` (`EPIPE`, `ECONNRESET`, `EAGAIN` when a send timeout expired).
    public func write(_ bytes: [UInt8]) throws(SystemError) {
        try descriptor.withRawDescriptor("send") { raw throws(SystemError) in
            // MSG_NOSIGNAL: a vanished peer is EPIPE, never SIGPIPE, whatever the process's
            // SIGPIPE disposition.
            let code: Int32 = bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let sent = send(
                        raw, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if sent >= 0 {
                        offset += sent
                        continue
                    }
                    let code = errno
                    if code != EINTR {
                        return code
                    }
                }
                return 0
            }
            if code != 0 {
                throw SystemError(call: "send", code: code, context: peer)
            }
        }
    }

    /// Limits how long a write may block on a peer that does not read (`SO_SNDTIMEO`).
    ///
    /// - Throws: `SystemError` from `setsockopt`.
    public func setSendTimeout(_ timeout: Duration) throws(SystemError) {
        var value = timeval(
            tv_sec: Int(timeout.components.seconds),
            tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        try descriptor.withRawDescriptor("setsockopt") { raw throws(SystemError) in
            guard setsockopt(raw, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw .fromErrno("setsockopt", context: "SO_SNDTIMEO")
            }
        }
    }

    /// Shuts down one or both directions; wakes a thread blocked in `read`. Never fails: a socket
    /// already closed or disconnected is left as it is.
    public func shutdown(_ direction: ShutdownDirection = .both) {
        let how: Int32
        switch direction {
        case .read: how = Int32(SHUT_RD)
        case .write: how = Int32(SHUT_WR)
        case .both: how = Int32(SHUT_RDWR)
        }
        _ = try? descriptor.withRawDescriptor("shutdown") { raw throws(SystemError) in
            _ = Glibc.shutdown(raw, how)
        }
    }

    /// Closes the socket (see `FileDescriptor.close()`).
    public func close() {
        descriptor.close()
    }
}
