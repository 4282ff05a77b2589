import Foundation

/// A trial's log (the trainer's output the daemon kept): the payload of `logs`.
public struct TrialLogView: Codable, Hashable, Sendable {
    /// The run's name.
    public var run: String
    /// The trial's id.
    public var trial: Int64
    /// The log's lines, oldest first, without their line feeds.
    public var lines: [String]
    /// Whether older lines were left out because the log exceeds `TrialLogView.maximumBytes` (a
    /// `tail` the caller asked for does not count).
    public var isTruncated: Bool

    /// The most bytes of a log one view carries, so that a response fits in a control frame.
    public static let maximumBytes = 256 * 1024

    /// Creates a log view.
    public init(run: String, trial: Int64, lines: [String], isTruncated: Bool) {
        self.run = run
        self.trial = trial
        self.lines = lines
        self.isTruncated = isTruncated
    }

    /// Reads the end of a log file.
    ///
    /// Reads at most `maximumBytes` from the end of the file; when that cuts a line, the partial
    /// line is dropped. A missing file reads as an empty log (a trial that has not written yet).
    ///
    /// - Parameters:
    ///   - file: The log file (`StateDirectoryLayout.logFile(run:trial:)`).
    ///   - run: The run's name.
    ///   - trial: The trial's id.
    ///   - tail: Keep only the last `tail` lines; `nil` keeps all.
    ///   - maximumBytes: The most bytes read from the end of the file.
    /// - Returns: The view.
    /// - Throws: The file system's error when the file exists but cannot be read.
    public static func read(
        file: URL, run: String, trial: Int64, tail: Int?, maximumBytes: Int = TrialLogView.maximumBytes
    ) throws -> TrialLogView {
        guard FileManager.default.fileExists(atPath: file.path) else {
            return TrialLogView(run: run, trial: trial, lines: [], isTruncated: false)
        }
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let start = size > UInt64(maximumBytes) ? size - UInt64(maximumBytes) : 0
        try handle.seek(toOffset: start)
        let data = try handle.readToEnd() ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        if lines.last == "" { lines.removeLast() }
        let isTruncated = start > 0
        if isTruncated, !lines.isEmpty { lines.removeFirst() }
        if let tail { lines = Array(lines.suffix(max(0, tail))) }
        return TrialLogView(run: run, trial: trial, lines: lines, isTruncated: isTruncated)
    }
}
