import NASCore

/// The one interface the worker drives every trainer through, built-in or external.
///
/// A trainer trains the epochs `spec.startEpoch + 1 … spec.epochBudget` of one trial and reports
/// each finished epoch, in order, through `report`. Two ways to end a trial early, with different
/// meanings:
///
/// - **Stop** (the search decided): `report` returns `.stop`; the trainer ends cleanly after that
///   epoch (an external trainer gets SIGTERM and may save a checkpoint) and returns an outcome
///   whose ending is `.stopRequested`. Pruners, Hyperband and the daemon's stop-trial use this.
/// - **Cancel** (the worker is going away): cancelling the calling task interrupts the trainer as
///   soon as it can, mid-epoch included (a sleeping surrogate wakes up; an external trainer's
///   process group is signalled), and `train` throws `TrainerError.cancelled`.
///
/// Resuming is the same call with `startEpoch > 0`: the first report is epoch `startEpoch + 1`.
/// The contract for external trainers is docs/trainer-protocol.md.
public protocol Trainer: Sendable {
    /// A short name for logs and errors (`surrogate`, `replay`, the command).
    var name: String { get }

    /// Trains one trial, reporting after every epoch.
    ///
    /// - Parameters:
    ///   - spec: the trial; `startEpoch` may be past 0 when resuming.
    ///   - report: called once per finished epoch, in increasing epoch order; its answer says
    ///     whether to go on.
    /// - Returns: how the trial ended and its last reported epoch.
    /// - Throws: `TrainerError`, including `.cancelled` when the calling task is cancelled.
    func train(
        _ spec: TrialSpec, report: @Sendable (EpochRecord) async -> EpochDecision
    ) async throws(TrainerError) -> TrainingOutcome
}

/// The worker's answer to one epoch report.
public enum EpochDecision: Hashable, Sendable {
    /// Train the next epoch.
    case `continue`
    /// End the trial after this epoch.
    case stop
}
