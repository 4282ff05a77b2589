/// The reports (epoch progress, complete, fail) a worker has made and the daemon has not yet
/// acknowledged, already encoded as frames, in sequence order.
///
/// Sequence numbers rise over the worker's life, across reconnects. An acknowledgement is
/// cumulative: `ack{seq}` makes every report up to `seq` durable (docs/worker-protocol.md).
struct ReportOutbox: Sendable {
    /// One unacknowledged report.
    struct Entry: Hashable, Sendable {
        var seq: UInt64
        var jobID: String
        var frame: [UInt8]
    }

    /// The unacknowledged reports, in increasing `seq`.
    private(set) var entries: [Entry] = []
    /// The sequence number the next report gets.
    private(set) var nextSequenceNumber: UInt64 = 1
    /// The highest sequence number acknowledged so far.
    private(set) var acknowledged: UInt64 = 0

    /// Takes the next sequence number.
    mutating func takeSequenceNumber() -> UInt64 {
        defer { nextSequenceNumber += 1 }
        return nextSequenceNumber
    }

    /// Keeps a report until it is acknowledged.
    mutating func append(_ entry: Entry) {
        entries.append(entry)
    }

    /// Drops every report up to `seq`; returns how many were dropped.
    @discardableResult
    mutating func acknowledge(upTo seq: UInt64) -> Int {
        acknowledged = max(acknowledged, seq)
        let count = entries.prefix { $0.seq <= seq }.count
        entries.removeFirst(count)
        return count
    }

    /// Drops a job's reports (its lease moved to another worker).
    mutating func discard(jobID: String) {
        entries.removeAll { $0.jobID == jobID }
    }

    /// Whether a job still has unacknowledged reports.
    func hasEntries(for jobID: String) -> Bool {
        entries.contains { $0.jobID == jobID }
    }

    /// Whether every report was acknowledged.
    var isEmpty: Bool { entries.isEmpty }
}
