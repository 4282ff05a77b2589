import Foundation
import Glibc

/// Where log lines go: standard error above one threshold, and optionally a log file (appended,
/// mode 0600) above another. Writes are whole lines under a lock, so lines from several threads
/// never interleave; a log that cannot be written (a full disk, a closed stderr) is skipped, never
/// fatal.
public final class LogDestination: Sendable {
    /// The lowest level written to standard error (`--quiet`: `.warning`; `--verbose`: `.debug`);
    /// nil writes nothing there.
    public let standardErrorThreshold: LogLevel?
    /// The lowest level written to the file.
    public let fileThreshold: LogLevel
    private let file: FileDescriptor?
    private let lock = Locked(())

    /// A destination.
    ///
    /// - Parameters:
    ///   - standardError: The threshold for standard error; nil writes nothing there.
    ///   - filePath: A log file to append to (created 0600), e.g. `<state>/nasd.log`; nil for none.
    ///   - fileThreshold: The threshold for the file.
    /// - Throws: `SystemError` when the file cannot be opened.
    public init(standardError: LogLevel?, filePath: String? = nil, fileThreshold: LogLevel = .info)
        throws(SystemError)
    {
        standardErrorThreshold = standardError
        self.fileThreshold = fileThreshold
        if let filePath {
            file = try FileDescriptor.open(
                filePath, flags: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, permissions: 0o600)
        } else {
            file = nil
        }
    }

    /// Standard error at `.info`, no file.
    public static let standardError = LogDestination(threshold: .info)

    /// Writes nothing.
    public static let discard = LogDestination(threshold: nil)

    private init(threshold: LogLevel?) {
        standardErrorThreshold = threshold
        fileThreshold = .error
        file = nil
    }

    /// Whether a line at `level` goes anywhere (so callers can skip building it).
    public func accepts(_ level: LogLevel) -> Bool {
        standardErrorThreshold.map { level >= $0 } == true || (file != nil && level >= fileThreshold)
    }

    /// Writes one line where its level allows.
    public func write(_ line: LogLine) {
        guard accepts(line.level) else { return }
        let text = line.text + "\n"
        lock.withLock { _ in
            if let threshold = standardErrorThreshold, line.level >= threshold {
                StandardStream.error.write(text)
            }
            if let file, line.level >= fileThreshold {
                try? file.write(Array(text.utf8))
            }
        }
    }

    deinit {
        file?.close()
    }
}
