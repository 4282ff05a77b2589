import Glibc

/// Reads of the kernel's process table under `/proc` (Linux).
enum ProcessTable {
    /// Whether a process of the group is in a state other than zombie (`Z`) or dead (`X`).
    static func hasLiveMember(ofGroup group: pid_t) -> Bool {
        guard let directory = opendir("/proc") else { return true }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let (state, processGroup) = status(of: pid) else { continue }
            if processGroup == group && state != "Z" && state != "X" {
                return true
            }
        }
        return false
    }

    /// The state letter and process group of a process, from `/proc/PID/stat`.
    static func status(of pid: pid_t) -> (state: Character, processGroup: pid_t)? {
        guard let bytes = try? AtomicFile.read("/proc/\(pid)/stat", limit: 4096) else { return nil }
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so parse after
        // the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = String(decoding: bytes[(close + 1)...], as: UTF8.self).split(separator: " ")
        guard fields.count >= 3, let state = fields[0].first, let group = pid_t(fields[2]) else { return nil }
        return (state, group)
    }
}
