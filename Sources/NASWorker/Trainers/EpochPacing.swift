import NASCore

/// The checks every built-in trainer makes around an epoch: a spec it can train, cancellation,
/// and the optional delay that makes it behave like a slow trainer.
enum EpochPacing {
    /// Throws `.invalidSpec` unless `1 ≤ budget` and `0 ≤ startEpoch ≤ budget`.
    static func check(_ spec: TrialSpec) throws(TrainerError) {
        guard spec.epochBudget >= 1, spec.startEpoch >= 0, spec.startEpoch <= spec.epochBudget else {
            throw .invalidSpec(trialID: spec.trialID, epochBudget: spec.epochBudget, startEpoch: spec.startEpoch)
        }
    }

    /// Waits `delay` (nothing when zero), then checks for cancellation.
    ///
    /// - Throws: `.cancelled` when the task is cancelled before or during the wait.
    static func waitForEpoch(_ delay: Duration, trialID: String, lastEpoch: Int) async throws(TrainerError) {
        if delay > .zero {
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw .cancelled(trialID: trialID, lastEpoch: lastEpoch)
            }
        }
        if Task.isCancelled {
            throw .cancelled(trialID: trialID, lastEpoch: lastEpoch)
        }
    }
}
