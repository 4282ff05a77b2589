/// A worker's claim on one dispatched job, valid until its deadline; heartbeats and epoch reports
/// extend it. A lease that expires (worker silent, killed, partitioned) gives the job back.
///
/// Times are seconds on the daemon's monotonic clock.
public struct Lease: Hashable, Sendable {
    public var jobID: Int64
    public var workerID: String
    public var deadline: Double
    /// When the trial last made progress (dispatch, or its latest epoch report).
    public var lastProgress: Double
    /// When the job was dispatched.
    public var grantedAt: Double

    public init(jobID: Int64, workerID: String, now: Double, duration: Double) {
        self.jobID = jobID
        self.workerID = workerID
        self.deadline = now + duration
        self.lastProgress = now
        self.grantedAt = now
    }

    /// Extends the deadline from `now` (a heartbeat or any message from the holder).
    public mutating func renew(now: Double, duration: Double) {
        deadline = max(deadline, now + duration)
    }

    /// Records progress (an epoch report) and extends the deadline.
    public mutating func progressed(now: Double, duration: Double) {
        lastProgress = now
        renew(now: now, duration: duration)
    }

    /// Whether the lease ran out at `now`.
    public func isExpired(at now: Double) -> Bool { now > deadline }
}
