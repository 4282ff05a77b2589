import Glibc

/// Standard output and standard error for text, written with `write(2)`.
///
/// `FileHandle.write(_:)` traps when the write fails (a closed pipe: `nasd … | head`); a daemon
/// must not die because whoever read its log went away, so these writes loop over partial writes,
/// retry on `EINTR`, and drop the text on any other error.
public enum StandardStream {
    case output
    case error

    /// Writes `text` as it is (add the newline yourself).
    public func write(_ text: String) {
        let descriptor = self == .output ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Whether the stream is a terminal.
    public var isTerminal: Bool {
        isatty(self == .output ? STDOUT_FILENO : STDERR_FILENO) == 1
    }
}
