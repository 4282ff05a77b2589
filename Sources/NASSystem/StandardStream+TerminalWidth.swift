import Glibc

extension StandardStream {
    /// The terminal's width in columns when the stream is a terminal that reports one, else nil.
    public var terminalColumns: Int? {
        var size = winsize()
        let descriptor = self == .output ? STDOUT_FILENO : STDERR_FILENO
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
