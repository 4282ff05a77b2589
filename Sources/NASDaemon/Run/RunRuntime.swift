import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASSearch
import NASStore

/// A job the daemon has dispatched and not yet seen end.
struct ActiveJob {
    var jobID: JobID
    var attempt: Int
    var workerID: String
    /// The connection the worker is on, nil while it is away (it may re-attach before the lease ends).
    var connection: ConnectionID?
    var lease: Lease
    var budget: Int
    /// The stored validation curve of this trial so far, at its reported epochs, kept in step with
    /// the store so that the pruner is not handed a re-read of the whole curve at every epoch.
    var curve = CurvePrefix(values: [])
    /// The trial's candidate, decoded once when a predictor first needs it.
    var candidate: Candidate?
    /// Loaded at a restart and not yet re-attached by its worker (nor expired): its result may be
    /// on its way, so the run makes no new proposal until it is known (see `canPropose(awaitingReattach:)`).
    var awaitingReattach = false
    /// The worker reported the trial complete while a stop decision about it was still waiting for
    /// its model: it completes (or is stopped) once that decision is made, so the outcome does not
    /// depend on how long the fit took. Its lease no longer runs.
    var completionPending = false
    /// Training time stored for the trial so far (all attempts, across restarts), in seconds.
    var trainingSeconds: Double = 0
    /// The monotonic time up to which training time has been counted into `trainingSeconds`.
    var countedUntil: Double = 0

    /// Training time including what has not been stored yet, at `now` (monotonic seconds).
    func trainingSeconds(at now: Double) -> Double { trainingSeconds + max(0, now - countedUntil) }

    /// The job id as it travels on the wire.
    var wireID: String { String(jobID.rawValue) }
}

/// The in-memory side of one run the daemon is hosting: its strategy, queue and running jobs.
/// Everything here can be rebuilt from the run's store (see `DaemonCore.loadRun`).
final class RunRuntime {
    let name: String
    let directory: URL
    let store: RunStore
    var configuration: RunConfiguration
    var strategy: any SearchStrategy
    var trainer: TrainerDescription
    /// The early-stopping decision point every epoch report passes, when the run has one.
    var pruner: (any Pruner)?
    /// The check every new candidate passes before dispatch, when the run has one.
    var gate: (any CandidateGate)?
    /// The pruner's examples, models and fits.
    var stopRule: PredictorHost?
    /// The gate's examples, models and fits.
    var prior: PredictorHost?
    /// Stop decisions waiting for the model version they need: (trial, epoch τ, version).
    var pendingStopDecisions: [(trial: TrialID, epoch: Int, version: Int)] = []
    /// Trials waiting for the prior's model version before they may be queued, in proposal order.
    var awaitingPrior: [(trial: TrialID, version: Int)] = []
    /// The best final accuracies so far, for the stop rule.
    var standing = RunStanding()
    var state: RunState
    /// When the run was created (deadlines count from here, across restarts).
    let createdAt: Date

    /// Queued trials in dispatch order.
    var queue: [TrialID] = []
    /// Candidates and networks decoded at admission, so completion and dispatch need not decode them.
    let decoded = DecodedProposals()
    /// Running jobs by trial.
    var active: [TrialID: ActiveJob] = [:]
    /// The strategy said "nothing until results arrive".
    var isWaitingForResults = false
    /// The model version the strategy waits for (`Proposal.waitForModel`), until it is handed over.
    var awaitedStrategyModel: Int?
    /// Whether that version is fit (false: the strategy prepares its decision without a fit).
    var awaitedStrategyModelIsFit = true
    /// Versions of the strategy's model being fit on the predictor queue.
    var strategyFitsInFlight: Set<Int> = []
    /// The strategy reached its natural end (or keeps proposing only what was trained already).
    var isStrategyExhausted = false
    /// Why the strategy counts as exhausted, when the daemon decided it rather than the strategy.
    var exhaustionReason: String?
    /// Proposals in a row that were duplicates (reused or joined), for spotting a search space
    /// that has nothing new left.
    var consecutiveDuplicates = 0
    /// The strategy's state changed in this batch and must be snapshotted with it.
    var strategyChanged = false
    /// Trials that count against `end.max_trials`: every trial trained or judged, not reuses.
    var countedTrials = 0
    var epochsSpent = 0
    var bestAccuracy: Double?
    /// Set once the final phase (`final:`) has begun: why the search before it ended. The strategy
    /// is asked for nothing more, end criteria no longer apply, and the run ends when the final
    /// phase's trials are done.
    var finalPhaseReason: String?

    init(
        name: String, directory: URL, store: RunStore, configuration: RunConfiguration, strategy: any SearchStrategy,
        trainer: TrainerDescription, state: RunState, createdAt: Date
    ) {
        self.name = name
        self.directory = directory
        self.store = store
        self.configuration = configuration
        self.strategy = strategy
        self.trainer = trainer
        self.state = state
        self.createdAt = createdAt
    }

    /// Whether `end.max_trials` allows no more new trials.
    var isAtTrialLimit: Bool {
        configuration.end.maxTrials.map { countedTrials >= $0 } ?? false
    }

    /// Whether the strategy may be asked for more work now.
    ///
    /// Not while a job loaded at a restart waits for its worker to re-attach: that worker may hold
    /// the job's result, and an uninterrupted daemon would have shown it to the strategy before
    /// asking for more, so asking now would make a resumed run diverge (an evolution offspring
    /// depends on every result before it). The wait ends when the worker re-attaches, reports the
    /// result, or the lease runs out. Whether a job still awaits re-attachment is passed in: a
    /// dispatch pass finds it out once instead of scanning every active job for every slot it fills.
    ///
    /// Nor while a proposed trial waits for the prior's model: the prior's decision on it (a veto
    /// the strategy learns from) comes before the next proposal, as it would had the fit been
    /// instant; asking on would pile up proposals made without that decision, all later judged by
    /// the one model they waited for, as many as the fit takes time.
    func canPropose(awaitingReattach: Bool) -> Bool {
        state == .active && !isWaitingForResults && awaitedStrategyModel == nil && !isStrategyExhausted
            && !isAtTrialLimit && !awaitingReattach && awaitingPrior.isEmpty && finalPhaseReason == nil
    }

    /// Where the trainer's output for a trial is kept.
    func logURL(for trialID: TrialID) -> URL {
        directory.appendingPathComponent("logs").appendingPathComponent("\(trialID.rawValue).log")
    }

    /// The directory holding the run's checkpoints: `<trainer.checkpoint_root>/<run name>` on a
    /// file system every worker shares, else `checkpoints/` in the run directory.
    var checkpointBase: URL {
        // Directory hints throughout: without one, Foundation asks the file system whether each
        // path is a directory, a system call per dispatched trial on the commit thread.
        if let root = configuration.checkpointRoot {
            return URL(fileURLWithPath: root, isDirectory: true).appendingPathComponent(name, isDirectory: true)
        }
        return directory.appendingPathComponent("checkpoints", isDirectory: true)
    }

    /// `checkpointBase` as a path, for the `checkpoint_root` it was made from (a configuration
    /// update may change that): building the URL costs more than the rest of a dispatch's path work.
    private var checkpointBasePath: (root: String?, path: String)?

    /// The checkpoint directory handed to trainers: `<checkpointBase>/<trial id>`.
    func checkpointDirectory(for trialID: TrialID) -> String {
        let root = configuration.checkpointRoot
        let base: String
        if let cached = checkpointBasePath, cached.root == root {
            base = cached.path
        } else {
            base = checkpointBase.path
            checkpointBasePath = (root, base)
        }
        return base + "/\(trialID.rawValue)"
    }
}
