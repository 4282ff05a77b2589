/// Splits a byte stream into lines, incrementally, with a maximum line length.
///
/// Each byte is examined once: only newly appended bytes are searched for a newline. A line
/// longer than the maximum is cut at the maximum and marked truncated; the rest of it, up to the
/// next newline, is discarded. A trailing `\r` is removed. Invalid UTF-8 is repaired with U+FFFD.
public struct LineSplitter: Sendable {
    /// One line, without its newline.
    public struct Line: Hashable, Sendable {
        /// The line's text.
        public var text: String
        /// Whether the line was longer than the maximum and cut.
        public var isTruncated: Bool

        /// Creates a line.
        public init(text: String, isTruncated: Bool = false) {
            self.text = text
            self.isTruncated = isTruncated
        }
    }

    /// The longest line kept, in bytes.
    public let maximumLineLength: Int
    private var pending: [UInt8] = []
    private var isDiscarding = false

    /// Creates a splitter.
    ///
    /// - Parameter maximumLineLength: The longest line kept, in bytes (default 64 KiB).
    public init(maximumLineLength: Int = 64 * 1024) {
        self.maximumLineLength = max(1, maximumLineLength)
    }

    /// Appends bytes and returns the lines they complete.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) -> [Line] where Bytes.Element == UInt8 {
        var lines: [Line] = []
        var start = bytes.startIndex
        while start != bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.endIndex
            if !isDiscarding {
                let room = maximumLineLength - pending.count
                let available = bytes.distance(from: start, to: end)
                pending.append(contentsOf: bytes[start..<bytes.index(start, offsetBy: min(room, available))])
                if available > room {
                    lines.append(makeLine(isTruncated: true))
                    isDiscarding = true
                }
            }
            guard let newline else { break }
            if isDiscarding {
                isDiscarding = false
            } else {
                lines.append(makeLine(isTruncated: false))
            }
            start = bytes.index(after: newline)
        }
        return lines
    }

    /// Returns the unterminated last line at end of stream, if any.
    public mutating func finish() -> Line? {
        defer { isDiscarding = false }
        guard !pending.isEmpty, !isDiscarding else { return nil }
        return makeLine(isTruncated: false)
    }

    private mutating func makeLine(isTruncated: Bool) -> Line {
        if pending.last == UInt8(ascii: "\r") {
            pending.removeLast()
        }
        let line = Line(text: String(decoding: pending, as: UTF8.self), isTruncated: isTruncated)
        pending.removeAll(keepingCapacity: true)
        return line
    }
}
