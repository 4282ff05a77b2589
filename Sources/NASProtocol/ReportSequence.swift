/// The order of one connection's report sequence numbers: each `epochProgress`, `complete` and
/// `fail` must carry a `seq` above the previous one's (docs/worker-protocol.md, "Acknowledgements
/// and durability"). A report whose number goes backwards or repeats is a protocol error that
/// closes the connection before the daemon's core sees it, so acknowledgements, which are
/// cumulative, can never be asked to move backwards.
public struct ReportSequence: Hashable, Sendable {
    private var last: UInt64?

    /// A connection on which no report has arrived yet.
    public init() {}

    /// Accepts the next message of the connection.
    ///
    /// - Throws: `ProtocolError.sequenceNotIncreasing` for a report numbered at or below the last.
    public mutating func accept(_ message: WorkerMessage, frame: Int) throws(ProtocolError) {
        guard let sequence = message.sequenceNumber else { return }
        if let last, sequence <= last {
            throw .sequenceNotIncreasing(
                frame: frame, messageType: message.messageType, sequence: sequence, previous: last)
        }
        last = sequence
    }
}
