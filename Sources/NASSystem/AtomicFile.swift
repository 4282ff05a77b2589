import Glibc

/// Whole-file reads and crash-safe whole-file writes.
public enum AtomicFile {
    /// Replaces a file atomically: readers see the old contents or the new, never a mix, even
    /// after a crash or power loss.
    ///
    /// Writes a temporary file beside the target (created with `permissions`, default 0600,
    /// exclusively), fsyncs it, renames it over the target and fsyncs the directory so the rename
    /// itself is durable.
    ///
    /// - Parameters:
    ///   - bytes: The new contents.
    ///   - path: The target file.
    ///   - permissions: The file's mode.
    /// - Throws: `SystemError`; the temporary file is removed on failure.
    public static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o600) throws(SystemError) {
        let suffix = (try? SecureRandom.hexString(byteCount: 6)) ?? "\(getpid())"
        let temporary = "\(path).tmp-\(suffix)"
        do {
            let file = try FileDescriptor.open(
                temporary, flags: O_WRONLY | O_CREAT | O_EXCL, permissions: permissions)
            defer { file.close() }
            try file.withRawDescriptor("fchmod") { raw throws(SystemError) in
                guard fchmod(raw, permissions) == 0 else {
                    throw .fromErrno("fchmod", context: temporary)
                }
            }
            try file.write(bytes)
            try file.sync()
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = SystemError.fromErrno("rename", context: "\(temporary) -> \(path)")
            unlink(temporary)
            throw error
        }
        let directory = parentDirectory(of: path)
        let handle = try FileDescriptor.open(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { handle.close() }
        try handle.sync()
    }

    /// Reads a whole file.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - limit: The most bytes accepted.
    /// - Throws: `SystemError` (`ENOENT`, `EFBIG` past the limit).
    public static func read(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        let file = try FileDescriptor.open(path, flags: O_RDONLY)
        defer { file.close() }
        return try file.readToEnd(limit: limit)
    }

    private static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
