import Foundation

/// A job's identifier: one dispatch attempt of a trial (`jobs.id`).
public struct JobID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The row id.
    public var rawValue: Int64

    /// Wraps a row id.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// Orders by row id (dispatch order).
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The row id in decimal.
    public var description: String { String(rawValue) }
}

/// How a dispatch attempt ended (`jobs.state`).
public enum JobState: String, Hashable, Sendable, CaseIterable, Codable {
    /// On a worker, under its lease.
    case running
    /// The trial completed on this attempt.
    case completed
    /// The trial was stopped early on this attempt.
    case stopped
    /// The lease ran out or the worker was lost; the trial was requeued or failed.
    case expired
    /// The trainer failed on this attempt.
    case failed
    /// The trial was cancelled during this attempt.
    case cancelled
}

/// One dispatch attempt of a trial to a worker, with its lease.
public struct JobRecord: Hashable, Sendable {
    /// The job's identifier.
    public var id: JobID
    /// The trial dispatched.
    public var trialID: TrialID
    /// Which attempt of the trial this is (1 for the first dispatch).
    public var attempt: Int
    /// The worker the job was dispatched to.
    public var workerID: String
    /// When the lease runs out unless a heartbeat extends it.
    public var leaseDeadline: Date
    /// The job's state.
    public var state: JobState
    /// The epoch training started from (0 for a fresh start).
    public var startEpoch: Int
    /// The last epoch reached when the job ended (`nil` while running).
    public var endEpoch: Int?
    /// When the job was dispatched.
    public var dispatchedAt: Date
    /// When the job ended (`nil` while running).
    public var endedAt: Date?

    /// Creates a job record.
    public init(
        id: JobID, trialID: TrialID, attempt: Int, workerID: String, leaseDeadline: Date, state: JobState,
        startEpoch: Int, endEpoch: Int?, dispatchedAt: Date, endedAt: Date?
    ) {
        self.id = id
        self.trialID = trialID
        self.attempt = attempt
        self.workerID = workerID
        self.leaseDeadline = leaseDeadline
        self.state = state
        self.startEpoch = startEpoch
        self.endEpoch = endEpoch
        self.dispatchedAt = dispatchedAt
        self.endedAt = endedAt
    }

    /// Whether the lease has run out at `time` (only a running job can expire).
    public func isExpired(at time: Date) -> Bool { state == .running && leaseDeadline < time }
}
