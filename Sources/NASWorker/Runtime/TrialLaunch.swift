import NASProtocol

/// A trial the worker state accepted, handed to the runtime to run in its own child task.
struct TrialLaunch: Sendable {
    /// What the daemon assigned.
    var assignment: DaemonMessage.Assignment
    /// The slot it occupies.
    var slot: Int
    /// The slot's GPUs.
    var gpus: [Int]
    /// How the worker stops or cancels it.
    var control: TrialControl
}
