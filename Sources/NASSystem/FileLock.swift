import Glibc

/// An exclusive `flock` on a lock file, held for the life of this object: one daemon per state
/// directory.
///
/// The holder writes its process ID into the file so that a second daemon can say who holds it.
/// The kernel releases the lock when the process dies, even on kill -9, so a stale lock file
/// never blocks a restart.
public final class FileLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: FileDescriptor

    private init(path: String, descriptor: FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock without waiting.
    ///
    /// - Parameter path: The lock file, created with mode 0600 when missing.
    /// - Throws: `FileLockError.heldByAnotherProcess` (with the holder's pid when readable), or
    ///   `SystemError`.
    public static func acquire(path: String) throws -> FileLock {
        let descriptor = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT, permissions: 0o600)
        let locked = try descriptor.withRawDescriptor("flock") { raw throws(SystemError) -> Bool in
            while flock(raw, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EWOULDBLOCK { return false }
                throw SystemError(call: "flock", code: code, context: path)
            }
            return true
        }
        guard locked else {
            let holder = (try? descriptor.readToEnd(limit: 64)).flatMap { Int32(String(decoding: $0, as: UTF8.self)) }
            descriptor.close()
            throw FileLockError.heldByAnotherProcess(path: path, pid: holder)
        }
        try descriptor.withRawDescriptor("ftruncate") { raw throws(SystemError) in
            guard ftruncate(raw, 0) == 0 else {
                throw .fromErrno("ftruncate", context: path)
            }
        }
        try descriptor.write(Array("\(getpid())".utf8))
        return FileLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock (closing the file releases it too).
    public func release() {
        descriptor.close()
    }
}

/// Why a lock could not be taken.
public enum FileLockError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Another process holds the lock.
    case heldByAnotherProcess(path: String, pid: Int32?)

    /// Names the lock file and, when known, the holder.
    public var description: String {
        switch self {
        case .heldByAnotherProcess(let path, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "\(path) is locked by \(holder): another nasd daemon is using this state directory"
        }
    }
}
