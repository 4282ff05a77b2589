import Foundation

/// An entry of the run's event log (`events`).
public struct StoreEvent: Hashable, Sendable {
    /// The entry's sequence number (increasing).
    public var sequence: Int64
    /// When it happened.
    public var time: Date
    /// What happened, dotted (`"trial.dispatched"`, `"run.paused"`, `"worker.lost"`, …).
    public var kind: String
    /// The trial concerned, if any.
    public var trialID: TrialID?
    /// Details as a JSON object text.
    public var detail: String

    /// Creates an event record.
    public init(sequence: Int64, time: Date, kind: String, trialID: TrialID?, detail: String) {
        self.sequence = sequence
        self.time = time
        self.kind = kind
        self.trialID = trialID
        self.detail = detail
    }
}
