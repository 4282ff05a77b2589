/// The last lines of a trainer's output, kept for a failure report.
struct LogTail: Sendable {
    /// How many lines are kept.
    let capacity: Int
    private var lines: [String] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        lines.reserveCapacity(self.capacity)
    }

    /// Adds a line, forgetting the oldest once full.
    mutating func append(_ line: String) {
        guard capacity > 0 else { return }
        if lines.count < capacity {
            lines.append(line)
        } else {
            lines[next] = line
            next = (next + 1) % capacity
        }
    }

    /// The kept lines, oldest first.
    var contents: [String] {
        Array(lines[next...] + lines[..<next])
    }
}
