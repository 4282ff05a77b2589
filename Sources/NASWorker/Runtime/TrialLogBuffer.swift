import NASProtocol
import NASSystem

/// Trainer output lines waiting to be sent to the daemon as `log` messages, per trial.
///
/// Filled from the threads reading trainers' output, emptied by the worker's session ticker and
/// before a trial's final report. Logs are best effort (docs/worker-protocol.md): a trial keeps
/// at most `capacity` unsent lines; older ones are dropped and the next batch says how many.
final class TrialLogBuffer: Sendable {
    /// The trial a line belongs to.
    struct Key: Hashable, Sendable {
        var jobID: String
        var trialID: String
        var runName: String
    }

    private struct Pending {
        var lines: [String] = []
        var dropped = 0
    }

    private let capacity: Int
    private let pending = Locked([Key: Pending]())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds one line of a trial's output.
    func append(_ line: String, for key: Key) {
        pending.withLock { pending in
            var entry = pending[key, default: Pending()]
            entry.lines.append(line)
            if entry.lines.count > capacity {
                let excess = entry.lines.count - capacity
                entry.lines.removeFirst(excess)
                entry.dropped += excess
            }
            pending[key] = entry
        }
    }

    /// Takes every pending line, one message per trial.
    func takeAll() -> [WorkerMessage.LogLines] {
        let taken = pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
        return taken.map { Self.message($0.key, $0.value) }.sorted { $0.jobID < $1.jobID }
    }

    /// Takes one job's pending lines, if any.
    func take(jobID: String) -> WorkerMessage.LogLines? {
        let taken = pending.withLock { pending -> (Key, Pending)? in
            guard let key = pending.keys.first(where: { $0.jobID == jobID }), let entry = pending[key] else {
                return nil
            }
            pending[key] = nil
            return (key, entry)
        }
        return taken.map { Self.message($0.0, $0.1) }
    }

    /// Forgets one job's pending lines.
    func discard(jobID: String) {
        pending.withLock { pending in
            for key in pending.keys where key.jobID == jobID {
                pending[key] = nil
            }
        }
    }

    private static func message(_ key: Key, _ entry: Pending) -> WorkerMessage.LogLines {
        var lines = entry.lines
        if entry.dropped > 0 {
            lines.insert(
                "[nasd worker: \(entry.dropped) earlier log lines dropped while the daemon was unreachable]", at: 0)
        }
        return WorkerMessage.LogLines(jobID: key.jobID, trialID: key.trialID, runName: key.runName, lines: lines)
    }
}
