import Foundation
import Glibc

/// A listening stream socket: TCP on a host and port, or a Unix domain socket file.
///
/// `accept()` blocks: call it from a dedicated thread, or iterate `connections()`, which runs the
/// accept loop on its own thread. `shutdown()` wakes a blocked `accept()`, which then returns
/// `nil`.
public final class SocketListener: Sendable {
    /// The listening socket.
    public let descriptor: FileDescriptor
    /// The bound TCP port (the actual one when asked for port 0); `nil` for a Unix socket.
    public let port: UInt16?
    /// The socket file of a Unix listener; removed by `close()`.
    public let unixPath: String?
    private let isShutDown = Locked(false)
    private let resourceExhaustionCount = Locked(0)

    /// How many times `accept` ran out of descriptors or memory and backed off.
    public var resourceExhaustions: Int { resourceExhaustionCount.withLock { $0 } }

    private init(descriptor: FileDescriptor, port: UInt16?, unixPath: String?) {
        self.descriptor = descriptor
        self.port = port
        self.unixPath = unixPath
    }

    /// Listens on a TCP host and port with `SO_REUSEADDR`.
    ///
    /// - Parameters:
    ///   - endpoint: The address to bind (`127.0.0.1:0` picks a free port; read it from `port`).
    ///   - backlog: The accept queue length.
    /// - Throws: `SocketAddressError` or `SystemError` (`EADDRINUSE`, ...).
    public static func listen(on endpoint: SocketEndpoint, backlog: Int32 = 128) throws -> SocketListener {
        var lastError: any Error = SocketAddressError.unresolvableHost(host: endpoint.host, detail: "no addresses")
        for address in try SocketAddress.resolve(endpoint, passive: true) {
            do {
                return try listen(address, endpoint: endpoint, backlog: backlog)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func listen(
        _ address: SocketAddress.Resolved, endpoint: SocketEndpoint, backlog: Int32
    ) throws(SystemError) -> SocketListener {
        let raw = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else {
            throw .fromErrno("socket", context: endpoint.description)
        }
        let descriptor = FileDescriptor(adopting: raw)
        try SocketAddress.setOption(raw, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, call: "SO_REUSEADDR")
        var storage = address.storage
        let bound = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(raw, $0, address.length) }
        }
        guard bound == 0 else {
            throw .fromErrno("bind", context: endpoint.description)
        }
        guard Glibc.listen(raw, backlog) == 0 else {
            throw .fromErrno("listen", context: endpoint.description)
        }
        var local = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(raw, $0, &length) }
        }
        guard named == 0 else {
            throw .fromErrno("getsockname", context: endpoint.description)
        }
        return SocketListener(descriptor: descriptor, port: SocketAddress.port(of: local), unixPath: nil)
    }

    /// Listens on a Unix domain socket file created with mode 0600.
    ///
    /// A stale socket file (nobody accepts on it: a daemon that was killed) is removed first; a
    /// live one is an error.
    ///
    /// - Parameters:
    ///   - path: The socket file; at most `sun_path` - 1 bytes.
    ///   - backlog: The accept queue length.
    /// - Throws: `SocketAddressError.unixPathTooLong` (naming the length, the limit and the
    ///   `--state-dir` remedy), `.unixSocketInUse`, `.notASocket`, or `SystemError`.
    public static func listen(unixPath path: String, backlog: Int32 = 64) throws -> SocketListener {
        var address = try SocketAddress.unix(path: path)
        try removeStaleSocket(at: path)
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else {
            throw SystemError.fromErrno("socket", context: path)
        }
        let descriptor = FileDescriptor(adopting: raw)
        // On Linux the socket file takes the mode of the socket inode (masked by the umask) at bind
        // time, so fchmod before bind creates it 0600 without touching the process-wide umask;
        // chmod after bind covers other kernels.
        _ = fchmod(raw, 0o600)
        let bound = SocketAddress.withSockaddr(&address) { bind(raw, $0, $1) }
        guard bound == 0 else {
            throw SystemError.fromErrno("bind", context: path)
        }
        guard chmod(path, 0o600) == 0 else {
            let error = SystemError.fromErrno("chmod", context: path)
            unlink(path)
            throw error
        }
        guard Glibc.listen(raw, backlog) == 0 else {
            let error = SystemError.fromErrno("listen", context: path)
            unlink(path)
            throw error
        }
        return SocketListener(descriptor: descriptor, port: nil, unixPath: path)
    }

    private static func removeStaleSocket(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw SystemError(call: "lstat", code: code, context: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw SocketAddressError.notASocket(path: path)
        }
        do {
            let probe = try SocketConnection.connect(unixPath: path)
            probe.close()
            throw SocketAddressError.unixSocketInUse(path: path)
        } catch let error as SystemError where error.code == ECONNREFUSED || error.code == ENOENT {
            guard unlink(path) == 0 || errno == ENOENT else {
                throw SystemError.fromErrno("unlink", context: path)
            }
        }
    }

    /// Accepts one connection, blocking; `SOCK_CLOEXEC`, and `TCP_NODELAY` on TCP.
    ///
    /// Transient errors are retried at once; running out of descriptors or memory (`EMFILE`,
    /// `ENFILE`, `ENOBUFS`, `ENOMEM`) is retried after a back-off that grows from 10 ms to 1 s, so a
    /// daemon at its descriptor limit keeps serving the connections it has and accepts again as
    /// soon as some close, instead of failing (the pending connection waits in the backlog).
    ///
    /// - Returns: The connection, or `nil` once the listener has been shut down.
    /// - Throws: `SystemError` from `accept4` for any other failure.
    public func accept() throws(SystemError) -> SocketConnection? {
        var backoff: UInt32 = 10_000
        while true {
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let accepted: Int32
            do throws(SystemError) {
                accepted = try descriptor.withRawDescriptor("accept4") { raw throws(SystemError) in
                    withUnsafeMutablePointer(to: &peer) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                            Self.acceptCloseOnExec(raw, address, &length)
                        }
                    }
                }
            } catch {
                if isShutDown.withLock({ $0 }) { return nil }
                throw error
            }
            if accepted >= 0 {
                let connection = SocketConnection(
                    descriptor: FileDescriptor(adopting: accepted), peer: SocketAddress.describe(peer))
                if unixPath == nil {
                    try? SocketAddress.setOption(
                        accepted, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1, call: "TCP_NODELAY")
                }
                return connection
            }
            let code = errno
            if isShutDown.withLock({ $0 }) {
                return nil
            }
            switch code {
            case EINTR, ECONNABORTED, EPROTO, EAGAIN:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                resourceExhaustionCount.withLock { $0 += 1 }
                usleep(backoff)
                backoff = min(backoff * 2, 1_000_000)
                continue
            default:
                throw SystemError(call: "accept4", code: code, context: unixPath ?? "port \(port ?? 0)")
            }
        }
    }

    private static func acceptCloseOnExec(
        _ raw: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
    ) -> Int32 {
        if let accept4 = GlibcExtensions.shared.accept4 {
            return accept4(raw, address, length, Int32(SOCK_CLOEXEC.rawValue))
        }
        let accepted = Glibc.accept(raw, address, length)
        if accepted >= 0 {
            _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
        }
        return accepted
    }

    /// Stops accepting: a blocked `accept()` returns `nil`. The descriptor stays open until
    /// `close()`.
    public func shutdown() {
        isShutDown.withLock { $0 = true }
        _ = try? descriptor.withRawDescriptor("shutdown") { raw throws(SystemError) in
            _ = Glibc.shutdown(raw, Int32(SHUT_RDWR))
        }
    }

    /// Shuts down, closes the socket and removes a Unix socket file.
    public func close() {
        shutdown()
        descriptor.close()
        if let unixPath {
            unlink(unixPath)
        }
    }

    /// The accepted connections, from an accept loop on a dedicated thread.
    ///
    /// Ending the iteration (or cancelling the task iterating) shuts the listener down; the
    /// stream ends when the listener is shut down or closed, and throws when `accept` fails.
    /// Iterate it once.
    public func connections() -> AsyncThrowingStream<SocketConnection, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SocketConnection.self)
        continuation.onTermination = { [self] _ in
            shutdown()
        }
        let thread = Thread { [self] in
            do {
                while let connection = try accept() {
                    continuation.yield(connection)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.name = "nasd-accept"
        thread.start()
        return stream
    }
}
