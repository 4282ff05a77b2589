import NASCore

extension DaemonMessage {
    /// A trial to train.
    public struct Assignment: Hashable, Sendable, Codable {
        /// The job identifier; every report about this trial names it.
        public var jobID: String
        /// The attempt number, 1 for the first dispatch, incremented on each requeue.
        public var attempt: Int
        /// What to train.
        public var spec: TrialSpec
        /// Which trainer trains it.
        public var trainer: TrainerDescription

        /// Creates an assignment.
        public init(jobID: String, attempt: Int, spec: TrialSpec, trainer: TrainerDescription) {
            self.jobID = jobID
            self.attempt = attempt
            self.spec = spec
            self.trainer = trainer
        }
    }

    /// The acknowledgement of durable reports.
    public struct Acknowledgement: Hashable, Sendable, Codable {
        /// The highest sequence number made durable; acknowledgements are cumulative.
        public var seq: UInt64

        /// Creates an acknowledgement.
        public init(seq: UInt64) {
            self.seq = seq
        }
    }

    /// A request to stop one trial.
    public struct StopTrial: Hashable, Sendable, Codable {
        /// The job to stop.
        public var jobID: String
        /// The trial's identifier within its run.
        public var trialID: String
        /// Why (e.g. `early stop: predicted 0.41 ± 0.03`, `run paused`), for the trial's log.
        public var reason: String
        /// Seconds between SIGTERM and SIGKILL.
        public var graceSeconds: Double

        /// Creates a stop request.
        public init(jobID: String, trialID: String, reason: String, graceSeconds: Double) {
            self.jobID = jobID
            self.trialID = trialID
            self.reason = reason
            self.graceSeconds = graceSeconds
        }
    }
}
