import NASCore

extension WorkerMessage {
    /// One epoch of one trial.
    public struct EpochProgress: Hashable, Sendable, Codable {
        /// The job the trial runs under.
        public var jobID: String
        /// The attempt number of the assignment (reports of a superseded attempt are ignored).
        public var attempt: Int
        /// The trial's identifier within its run.
        public var trialID: String
        /// The run the trial belongs to.
        public var runName: String
        /// The epoch's metrics.
        public var record: EpochRecord
        /// The worker's report sequence number, echoed by the daemon's `ack` once durable.
        public var seq: UInt64

        /// Creates an epoch report.
        public init(jobID: String, attempt: Int, trialID: String, runName: String, record: EpochRecord, seq: UInt64) {
            self.jobID = jobID
            self.attempt = attempt
            self.trialID = trialID
            self.runName = runName
            self.record = record
            self.seq = seq
        }
    }

    /// A trial that reached its epoch budget.
    public struct Completion: Hashable, Sendable, Codable {
        /// The job the trial ran under.
        public var jobID: String
        /// The attempt number of the assignment.
        public var attempt: Int
        /// The trial's identifier within its run.
        public var trialID: String
        /// The run the trial belongs to.
        public var runName: String
        /// The final summary.
        public var summary: TrialSummary
        /// The worker's report sequence number, echoed by `ack` once durable.
        public var seq: UInt64

        /// Creates a completion report.
        public init(
            jobID: String, attempt: Int, trialID: String, runName: String, summary: TrialSummary, seq: UInt64
        ) {
            self.jobID = jobID
            self.attempt = attempt
            self.trialID = trialID
            self.runName = runName
            self.summary = summary
            self.seq = seq
        }
    }

    /// The outcome of a finished trial.
    public struct TrialSummary: Hashable, Sendable, Codable {
        /// The last epoch trained.
        public var epochsCompleted: Int
        /// Validation accuracy at the last epoch.
        public var finalAccuracy: Double
        /// The best validation accuracy over all epochs.
        public var bestAccuracy: Double
        /// Seconds from the trainer's start to its exit, on the worker.
        public var wallSeconds: Double
        /// Further final metrics by name.
        public var metrics: [String: Double]

        /// Creates a summary.
        public init(
            epochsCompleted: Int, finalAccuracy: Double, bestAccuracy: Double, wallSeconds: Double,
            metrics: [String: Double] = [:]
        ) {
            self.epochsCompleted = epochsCompleted
            self.finalAccuracy = finalAccuracy
            self.bestAccuracy = bestAccuracy
            self.wallSeconds = wallSeconds
            self.metrics = metrics
        }
    }

    /// A trial that could not finish.
    public struct TrialFailure: Hashable, Sendable, Codable {
        /// The job the trial ran under.
        public var jobID: String
        /// The attempt number of the assignment.
        public var attempt: Int
        /// The trial's identifier within its run.
        public var trialID: String
        /// The run the trial belongs to.
        public var runName: String
        /// Why, in words (e.g. `trainer exited with status 3`, `killed by signal 9`).
        public var reason: String
        /// The trainer's exit status, when it exited normally.
        public var exitCode: Int?
        /// The signal that ended the trainer, when one did.
        public var signal: Int?
        /// The last lines of the trainer's output.
        public var logTail: [String]
        /// `true` when no attempt can succeed: the trainer cannot train this trial's network at all
        /// (it cannot be built, the trainer does not model its kind, a replayed table has no curve
        /// for it), so the daemon fails the trial without retrying. Absent (workers before it
        /// existed) or `false`: the failure may be transient and counts against `max_attempts`.
        public var permanent: Bool?
        /// The worker's report sequence number, echoed by `ack` once durable.
        public var seq: UInt64

        /// Creates a failure report.
        public init(
            jobID: String, attempt: Int, trialID: String, runName: String, reason: String, exitCode: Int? = nil,
            signal: Int? = nil, logTail: [String], permanent: Bool? = nil, seq: UInt64
        ) {
            self.jobID = jobID
            self.attempt = attempt
            self.trialID = trialID
            self.runName = runName
            self.reason = reason
            self.exitCode = exitCode
            self.signal = signal
            self.logTail = logTail
            self.permanent = permanent
            self.seq = seq
        }
    }

    /// Output lines of a trainer; not acknowledged (logs are best effort).
    public struct LogLines: Hashable, Sendable, Codable {
        /// The job the trial runs under.
        public var jobID: String
        /// The trial's identifier within its run.
        public var trialID: String
        /// The run the trial belongs to.
        public var runName: String
        /// The lines, without their newlines, oldest first.
        public var lines: [String]

        /// Creates a log message.
        public init(jobID: String, trialID: String, runName: String, lines: [String]) {
            self.jobID = jobID
            self.trialID = trialID
            self.runName = runName
            self.lines = lines
        }
    }
}
