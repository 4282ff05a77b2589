import Foundation

/// A trial's log file in its run directory (`<run>/logs/<trial>.log`), appended to by the service
/// on a queue of its own, never on the commit thread.
public enum TrialLogFile {
    /// Appends lines (each followed by a newline), creating the file and its folder (0700) when
    /// missing. The file is created 0600: trainer output can hold paths and environment details.
    ///
    /// - Throws: the file system's error.
    public static func append(_ lines: [String], to url: URL) throws {
        guard !lines.isEmpty else { return }
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: url.path) {
            try fileManager.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            _ = fileManager.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
    }
}
