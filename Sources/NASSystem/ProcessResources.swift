import Glibc

/// Resource figures of the current process, from `/proc/self` (Linux).
public enum ProcessResources {
    /// The peak resident set size in bytes (`VmHWM`), for the benchmark's daemon RSS.
    ///
    /// - Throws: `SystemError` when `/proc/self/status` cannot be read or lacks the field.
    public static func peakResidentBytes() throws(SystemError) -> Int {
        try statusField("VmHWM")
    }

    /// The current resident set size in bytes (`VmRSS`).
    ///
    /// - Throws: `SystemError` when `/proc/self/status` cannot be read or lacks the field.
    public static func residentBytes() throws(SystemError) -> Int {
        try statusField("VmRSS")
    }

    /// The number of open file descriptors (entries of `/proc/self/fd`, excluding the one used
    /// to list them), for leak checks.
    ///
    /// - Throws: `SystemError` from `opendir`.
    public static func openDescriptorCount() throws(SystemError) -> Int {
        guard let directory = opendir("/proc/self/fd") else {
            throw .fromErrno("opendir", context: "/proc/self/fd")
        }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".")
            }
            if !isDot {
                count += 1
            }
        }
        return count - 1
    }

    private static func statusField(_ name: String) throws(SystemError) -> Int {
        let text = String(decoding: try AtomicFile.read("/proc/self/status", limit: 1 << 20), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) {
                return kilobytes * 1024
            }
        }
        throw SystemError(call: "read", code: ENODATA, context: "/proc/self/status has no \(name)")
    }
}
