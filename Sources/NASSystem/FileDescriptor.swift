import Glibc

/// An owned file descriptor: closed exactly once, never reused while a call is using it.
///
/// Every operation registers itself while it runs; `close()` marks the descriptor closed at once
/// (later operations fail with `EBADF`) and releases the number when the last running operation
/// returns, so a concurrent `read` never touches a number the kernel has handed to someone else.
/// To wake a thread blocked in `read` on a socket, `shutdown` the socket first (see
/// `SocketConnection.shutdown`). `close` is never retried (on Linux the number is released even
/// when `close` reports `EINTR`). Reads and writes retry on `EINTR`; writes loop until every byte
/// is written.
///
/// `@unchecked Sendable`: the mutable state (the number and the usage count) is guarded by a lock.
public final class FileDescriptor: @unchecked Sendable {
    private struct State {
        var rawValue: Int32
        var activeOperations = 0
        var isClosing = false
    }

    private let state: Locked<State>

    /// Takes ownership of an open descriptor (opened with `O_CLOEXEC`).
    ///
    /// - Parameter rawValue: The descriptor; this object closes it.
    public init(adopting rawValue: Int32) {
        self.state = Locked(State(rawValue: rawValue))
    }

    deinit {
        state.withLock { state in
            if !state.isClosing {
                _ = Glibc.close(state.rawValue)
            }
        }
    }

    /// Opens a file with `O_CLOEXEC` added to `flags`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - flags: `O_RDONLY`, `O_WRONLY | O_CREAT | O_TRUNC`, ...
    ///   - permissions: The mode for a created file (default 0600).
    /// - Throws: `SystemError` from `open`.
    public static func open(_ path: String, flags: Int32, permissions: mode_t = 0o600) throws(SystemError)
        -> FileDescriptor
    {
        while true {
            let raw = Glibc.open(path, flags | O_CLOEXEC, permissions)
            if raw >= 0 {
                return FileDescriptor(adopting: raw)
            }
            let code = errno
            if code != EINTR {
                throw SystemError(call: "open", code: code, context: path)
            }
        }
    }

    /// Creates a pipe whose both ends have `O_CLOEXEC`.
    ///
    /// - Throws: `SystemError` from `pipe2`.
    public static func makePipe() throws(SystemError) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        var ends: [Int32] = [-1, -1]
        if let pipe2 = GlibcExtensions.shared.pipe2 {
            guard pipe2(&ends, O_CLOEXEC) == 0 else {
                throw .fromErrno("pipe2")
            }
        } else {
            // Without pipe2 the flag is set just after creation; a spawn on another thread in
            // between could inherit the ends, which glibc >= 2.9 never lets happen.
            guard Glibc.pipe(&ends) == 0 else {
                throw .fromErrno("pipe")
            }
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        }
        return (FileDescriptor(adopting: ends[0]), FileDescriptor(adopting: ends[1]))
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { state.withLock { $0.isClosing } }

    /// Runs `body` with the raw number, which stays valid (not closed, not reused) until it returns.
    ///
    /// - Throws: `SystemError` with `EBADF` when the descriptor is closed, or what `body` throws.
    public func withRawDescriptor<Result>(
        _ call: String, _ body: (Int32) throws(SystemError) -> Result
    ) throws(SystemError) -> Result {
        let raw: Int32? = state.withLock { state in
            guard !state.isClosing else { return nil }
            state.activeOperations += 1
            return state.rawValue
        }
        guard let raw else {
            throw SystemError(call: call, code: EBADF, context: "descriptor already closed")
        }
        defer { endOperation() }
        return try body(raw)
    }

    private func endOperation() {
        state.withLock { state in
            state.activeOperations -= 1
            if state.isClosing && state.activeOperations == 0 {
                _ = Glibc.close(state.rawValue)
            }
        }
    }

    /// Reads up to `buffer.count` bytes, retrying on `EINTR`.
    ///
    /// - Returns: The number of bytes read; 0 at end of file.
    /// - Throws: `SystemError` from `read`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try withRawDescriptor("read") { raw throws(SystemError) in
            while true {
                let count = Glibc.read(raw, buffer.baseAddress, buffer.count)
                if count >= 0 {
                    return count
                }
                let code = errno
                if code != EINTR {
                    throw SystemError(call: "read", code: code)
                }
            }
        }
    }

    /// Reads up to `count` bytes.
    ///
    /// - Returns: The bytes read; empty at end of file.
    /// - Throws: `SystemError` from `read`.
    public func read(upToCount count: Int) throws(SystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let received = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in try read(into: buffer) }
        }
        bytes.removeLast(count - (try received.get()))
        return bytes
    }

    /// Reads until end of file.
    ///
    /// - Parameter limit: The most bytes to accept.
    /// - Throws: `SystemError` from `read`, or `EFBIG` when the file exceeds `limit`.
    public func readToEnd(limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let chunk = try read(upToCount: 64 * 1024)
            if chunk.isEmpty {
                return bytes
            }
            bytes.append(contentsOf: chunk)
            if bytes.count > limit {
                throw SystemError(call: "read", code: EFBIG, context: "more than \(limit) bytes")
            }
        }
    }

    /// Writes every byte, looping on partial writes and retrying on `EINTR`.
    ///
    /// - Throws: `SystemError` from `write` (`EPIPE` when the peer is gone; SIGPIPE must be ignored).
    public func write(_ bytes: [UInt8]) throws(SystemError) {
        try withRawDescriptor("write") { raw throws(SystemError) in
            let code: Int32 = bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(raw, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                    if written >= 0 {
                        offset += written
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
                throw SystemError(call: "write", code: code)
            }
        }
    }

    /// Flushes the file's data and metadata to stable storage.
    ///
    /// - Throws: `SystemError` from `fsync`.
    public func sync() throws(SystemError) {
        try withRawDescriptor("fsync") { raw throws(SystemError) in
            while fsync(raw) != 0 {
                let code = errno
                if code != EINTR {
                    throw SystemError(call: "fsync", code: code)
                }
            }
        }
    }

    /// Closes the descriptor; later calls do nothing.
    ///
    /// When another thread is inside an operation, the number is released when that operation
    /// returns. `close` is never retried.
    public func close() {
        state.withLock { state in
            guard !state.isClosing else { return }
            state.isClosing = true
            if state.activeOperations == 0 {
                _ = Glibc.close(state.rawValue)
            }
        }
    }
}
