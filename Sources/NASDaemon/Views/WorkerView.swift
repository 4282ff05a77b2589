/// A connected worker as `workers` shows it. The daemon builds these from its worker sessions.
public struct WorkerView: Codable, Hashable, Sendable {
    /// A job the worker is running: which run's which trial, in which slot.
    public struct Job: Codable, Hashable, Sendable {
        /// The run's name.
        public var run: String
        /// The trial's id within the run.
        public var trial: Int64
        /// The worker slot running it, when known.
        public var slot: Int?

        /// Creates a job entry.
        public init(run: String, trial: Int64, slot: Int? = nil) {
            self.run = run
            self.trial = trial
            self.slot = slot
        }
    }

    /// The worker's id (as in `TrialView.worker`).
    public var id: String
    /// The host it runs on, as it said in its hello.
    public var hostname: String
    /// How many trials it runs at once.
    public var slots: Int
    /// How many slots are busy.
    public var busySlots: Int
    /// The GPU indices it offers (`CUDA_VISIBLE_DEVICES` values), empty for none.
    public var gpus: [Int]
    /// When it connected (Unix seconds).
    public var connectedSince: Double
    /// The jobs it is running.
    public var jobs: [Job]

    /// Creates a worker view.
    public init(
        id: String, hostname: String, slots: Int, busySlots: Int, gpus: [Int], connectedSince: Double,
        jobs: [Job]
    ) {
        self.id = id
        self.hostname = hostname
        self.slots = slots
        self.busySlots = busySlots
        self.gpus = gpus
        self.connectedSince = connectedSince
        self.jobs = jobs
    }
}
