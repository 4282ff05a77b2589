import NASProtocol
import NASSystem

/// Trainer output lines waiting to be sent to the daemon as `log` messages, per trial.
///
/// Filled from the threads reading trainers' output, emptied by the worker's session ticker and
/// before a trial's final report. Logs are best effort (docs/worker-protocol.md): a trial keeps
/// at most `capacity` unsent lines and `byteCapacity` unsent bytes (so memory stays bounded and
/// one `log` message always fits in a frame); older lines are dropped, and the next batch says
/// how many and why — because the trainer wrote faster than the worker forwards (the volume
/// limit), or because the daemon was unreachable meanwhile.
final class TrialLogBuffer: Sendable {
    /// The trial a line belongs to.
    struct Key: Hashable, Sendable {
        var jobID: String
        var trialID: String
        var runName: String
    }

    /// The default byte budget per trial: with JSON's worst-case escaping (six bytes per control
    /// character) a batch still fits in the default 1 MiB frame.
    static let defaultByteCapacity = 128 * 1024

    private struct Pending {
        /// Lines, of which those before `head` are already dropped (compacted now and then, so
        /// dropping the oldest line costs O(1) amortized).
        var lines: [String] = []
        var head = 0
        var bytes = 0
        var droppedForVolume = 0
        var droppedWhileUnreachable = 0

        var count: Int { lines.count - head }
    }

    private struct State {
        var pending: [Key: Pending] = [:]
        var isDaemonReachable = false
    }

    private let capacity: Int
    private let byteCapacity: Int
    /// How often the buffer is emptied while connected, for the drop note.
    private let flushInterval: Duration
    private let state = Locked(State())

    init(capacity: Int, byteCapacity: Int = TrialLogBuffer.defaultByteCapacity, flushInterval: Duration) {
        self.capacity = max(1, capacity)
        self.byteCapacity = max(1, byteCapacity)
        self.flushInterval = flushInterval
    }

    /// Records whether a session with the daemon is open, so that a drop can say why it happened.
    func setDaemonReachable(_ reachable: Bool) {
        state.withLock { $0.isDaemonReachable = reachable }
    }

    /// Adds one line of a trial's output.
    func append(_ line: String, for key: Key) {
        let size = line.utf8.count
        state.withLock { state in
            var entry = state.pending[key, default: Pending()]
            entry.lines.append(line)
            entry.bytes += size
            while entry.count > 1 && (entry.count > capacity || entry.bytes > byteCapacity) {
                entry.bytes -= entry.lines[entry.head].utf8.count
                entry.lines[entry.head] = ""
                entry.head += 1
                if state.isDaemonReachable {
                    entry.droppedForVolume += 1
                } else {
                    entry.droppedWhileUnreachable += 1
                }
            }
            if entry.head > capacity {
                entry.lines.removeFirst(entry.head)
                entry.head = 0
            }
            state.pending[key] = entry
        }
    }

    /// Takes every pending line, one message per trial.
    func takeAll() -> [WorkerMessage.LogLines] {
        let taken = state.withLock { state in
            defer { state.pending = [:] }
            return state.pending
        }
        return taken.map { message($0.key, $0.value) }.sorted { $0.jobID < $1.jobID }
    }

    /// Takes one job's pending lines, if any.
    func take(jobID: String) -> WorkerMessage.LogLines? {
        let taken = state.withLock { state -> (Key, Pending)? in
            guard let key = state.pending.keys.first(where: { $0.jobID == jobID }), let entry = state.pending[key]
            else { return nil }
            state.pending[key] = nil
            return (key, entry)
        }
        return taken.map { message($0.0, $0.1) }
    }

    /// Forgets one job's pending lines.
    func discard(jobID: String) {
        state.withLock { state in
            for key in state.pending.keys where key.jobID == jobID {
                state.pending[key] = nil
            }
        }
    }

    private func message(_ key: Key, _ entry: Pending) -> WorkerMessage.LogLines {
        var notes: [String] = []
        if entry.droppedForVolume > 0 {
            notes.append(
                "[nasd worker: \(entry.droppedForVolume) log lines dropped: the trainer wrote more than the worker "
                    + "forwards (at most \(capacity) lines or \(byteCapacity / 1024) KiB per trial every "
                    + "\(Self.describe(flushInterval)))]")
        }
        if entry.droppedWhileUnreachable > 0 {
            notes.append(
                "[nasd worker: \(entry.droppedWhileUnreachable) log lines dropped while the daemon was unreachable "
                    + "(at most \(capacity) lines or \(byteCapacity / 1024) KiB per trial are kept meanwhile)]")
        }
        return WorkerMessage.LogLines(
            jobID: key.jobID, trialID: key.trialID, runName: key.runName, lines: notes + entry.lines[entry.head...])
    }

    private static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
