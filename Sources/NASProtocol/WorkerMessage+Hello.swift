extension WorkerMessage {
    /// The worker's first frame on a connection.
    public struct Hello: Hashable, Sendable, Codable {
        /// The most slots one worker may claim (`nasd worker --slots` accepts 1…1024); the daemon
        /// refuses a hello that claims more.
        public static let maximumSlots = 1024

        /// The worker protocol version the worker speaks (`ProtocolVersion.current` of its build).
        public var protocolVersion: Int
        /// The worker's software version, for display and for the refusal message.
        public var workerVersion: String
        /// The daemon's shared secret, read from the token file; compared in constant time.
        public var token: String
        /// A stable identifier of this worker process, kept across reconnects.
        public var workerID: String
        /// The host the worker runs on.
        public var hostname: String
        /// How many trials the worker runs at once: 1…`maximumSlots`.
        public var slots: Int
        /// The GPU indices the worker hands out, one per slot (empty when none).
        public var gpus: [Int]
        /// The trials still running on the worker from before a reconnect, to re-attach.
        public var inFlight: [InFlightTrial]

        /// Creates a hello.
        public init(
            protocolVersion: Int = ProtocolVersion.current, workerVersion: String, token: String, workerID: String,
            hostname: String, slots: Int, gpus: [Int] = [], inFlight: [InFlightTrial] = []
        ) {
            self.protocolVersion = protocolVersion
            self.workerVersion = workerVersion
            self.token = token
            self.workerID = workerID
            self.hostname = hostname
            self.slots = slots
            self.gpus = gpus
            self.inFlight = inFlight
        }
    }

    /// A trial a worker is running, as listed in hello (re-attach) and heartbeat (lease renewal).
    public struct InFlightTrial: Hashable, Sendable, Codable {
        /// The job the trial was assigned under.
        public var jobID: String
        /// The attempt number of that assignment.
        public var attempt: Int
        /// The trial's identifier within its run.
        public var trialID: String
        /// The run the trial belongs to.
        public var runName: String
        /// The last epoch the worker has reported (sent, acknowledged or not); 0 when none.
        public var lastEpochReported: Int

        /// Creates an in-flight trial reference.
        public init(jobID: String, attempt: Int, trialID: String, runName: String, lastEpochReported: Int) {
            self.jobID = jobID
            self.attempt = attempt
            self.trialID = trialID
            self.runName = runName
            self.lastEpochReported = lastEpochReported
        }
    }

    /// Liveness: extends the lease of every listed job.
    public struct Heartbeat: Hashable, Sendable, Codable {
        /// The trials running on the worker now.
        public var inFlight: [InFlightTrial]

        /// Creates a heartbeat.
        public init(inFlight: [InFlightTrial]) {
            self.inFlight = inFlight
        }
    }

    /// Free capacity: the daemon may send up to `freeSlots` more assignments.
    public struct Ready: Hashable, Sendable, Codable {
        /// The number of idle slots.
        public var freeSlots: Int

        /// Creates a ready message.
        public init(freeSlots: Int) {
            self.freeSlots = freeSlots
        }
    }
}
