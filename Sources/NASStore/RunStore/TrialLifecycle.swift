/// One trial's life as a state machine (issue 6 §4): the daemon feeds it what happened and it
/// answers what to do, so the rules of retries, promotions and reuse live in one place. Pure and
/// free of I/O: the daemon carries out each action in the run store (which checks the same
/// transitions as an integrity constraint, `TrialState.canTransition(to:)`).
///
/// ```
/// queued ─dispatched─▶ running ─trainerExited(at budget)─▶ completed ─requested(r′ > r)─▶ queued …
///   │                   │  ├─stoppedEarly─▶ stopped_early
///   │                   │  └─jobEnded / trainerExited(short), no attempt left─▶ failed | incomplete
///   │                   └─jobEnded / trainerExited(short) with attempts left, divergedRestart─▶ queued
///   └─vetoed─▶ vetoed; failedForGood / cancelled from queued or running
/// ```
///
/// `attempts` counts the dispatches of the current stage of training against `maxAttempts`: a
/// promotion is new work, so it starts again at 0; a refunded requeue (the daemon took the job
/// back itself) and a diverged restart do not count.
public struct TrialLifecycle: Hashable, Sendable {
    /// Where the trial is.
    public private(set) var state: TrialState
    /// Dispatches of the current stage that count against `maxAttempts`.
    public private(set) var attempts: Int
    /// The last epoch stored.
    public private(set) var epochsDone: Int
    /// The epochs the trial trains to.
    public private(set) var budget: Int
    /// `trial.max_attempts`.
    public let maxAttempts: Int

    /// Creates a lifecycle at a given point (a new trial: `.queued`, 0 attempts, 0 epochs).
    public init(state: TrialState = .queued, attempts: Int = 0, epochsDone: Int = 0, budget: Int, maxAttempts: Int) {
        self.state = state
        self.attempts = max(0, attempts)
        self.epochsDone = max(0, epochsDone)
        self.budget = budget
        self.maxAttempts = max(1, maxAttempts)
    }

    /// The lifecycle of a stored trial.
    public init(_ trial: TrialRecord, maxAttempts: Int) {
        self.init(
            state: trial.state, attempts: trial.attempts, epochsDone: trial.epochsDone, budget: trial.epochBudget,
            maxAttempts: maxAttempts)
    }

    /// What happened to the trial.
    public enum Event: Hashable, Sendable {
        /// A worker slot took it.
        case dispatched
        /// The trainer exited successfully after storing epochs up to `lastEpoch`.
        case trainerExited(lastEpoch: Int)
        /// Its job ended without a result: lease expired, worker lost, a retryable trainer error.
        /// `refund`: the daemon took the job back itself, so the attempt does not count.
        case jobEnded(refund: Bool)
        /// The stop rule stopped it after `atEpoch` epochs.
        case stoppedEarly(atEpoch: Int)
        /// The prior vetoed it before dispatch.
        case vetoed
        /// A failure no retry can mend (a spec that cannot be built, divergence past its restarts).
        case failedForGood
        /// The run (or the user) cancelled it.
        case cancelled
        /// Its first epoch showed divergence: train again from scratch (MetaQNN's rule).
        case divergedRestart
        /// A proposal for the same network and hyperparameters at `budget` epochs arrived, or a
        /// proposal it answered asks to go on to `budget` epochs (a Hyperband promotion).
        case requested(budget: Int)
    }

    /// What the daemon does next.
    public enum Action: Hashable, Sendable {
        /// Send it to the worker as attempt `attempt`, training from epoch `fromEpoch`.
        case dispatch(attempt: Int, fromEpoch: Int)
        /// Record it completed at its budget.
        case complete
        /// Put it back in the queue (the job ends without an outcome).
        case requeue
        /// Record this terminal outcome (`stopped_early`, `vetoed`, `failed`, `incomplete`,
        /// `cancelled`).
        case finish(TrialState)
        /// Answer the proposal from the stored result, cut at `budget` epochs.
        case answer(budget: Int)
        /// Queue it again to train on from its last epoch to `budget` (attempts restart at 0).
        case promote(budget: Int)
        /// It is in flight: the proposal waits for it, now training to `budget`.
        case join(budget: Int)
        /// Its outcome cannot answer the proposal (it failed, ran short or was cancelled): the
        /// proposal gets a trial of its own.
        case trainAfresh
    }

    /// An event the trial's state does not admit.
    public struct IllegalEvent: Error, Hashable, Sendable, CustomStringConvertible {
        /// The trial's state when the event came.
        public var state: TrialState
        /// The event.
        public var event: Event
        public var description: String { "a \(state.rawValue) trial cannot take \(event)" }
    }

    /// Moves the trial on and says what to do.
    ///
    /// - Throws: `IllegalEvent` when the event makes no sense in the current state (a queued
    ///   trial's trainer exiting, a finished one dispatched); the lifecycle is then unchanged.
    public mutating func handle(_ event: Event) throws(IllegalEvent) -> Action {
        switch (state, event) {
        case (.queued, .dispatched):
            state = .running
            attempts += 1
            // A retried or promoted trial trains on after its last stored epoch; one that stored
            // its whole budget and still has to run again (its completion was lost) starts afresh.
            return .dispatch(attempt: attempts, fromEpoch: epochsDone < budget ? epochsDone : 0)

        case (.running, .trainerExited(let lastEpoch)):
            epochsDone = max(epochsDone, lastEpoch)
            if lastEpoch >= budget {
                state = .completed
                return .complete
            }
            // A trainer that exits 0 before its budget left a partial curve no strategy may take
            // as final: retried like a failure, `incomplete` once attempts run out.
            return retryOrEnd(as: .incomplete)

        case (.running, .jobEnded(let refund)):
            if refund {
                attempts = max(0, attempts - 1)
                state = .queued
                return .requeue
            }
            return retryOrEnd(as: .failed)

        case (.running, .stoppedEarly(let epoch)) where epoch < budget:
            epochsDone = max(epochsDone, epoch)
            state = .stoppedEarly
            return .finish(.stoppedEarly)

        case (.queued, .vetoed):
            state = .vetoed
            return .finish(.vetoed)

        case (.queued, .failedForGood), (.running, .failedForGood):
            state = .failed
            return .finish(.failed)

        case (.queued, .cancelled), (.running, .cancelled):
            state = .cancelled
            return .finish(.cancelled)

        case (.running, .divergedRestart):
            attempts = max(0, attempts - 1)
            epochsDone = 0
            state = .queued
            return .requeue

        case (.queued, .requested(let wanted)):
            budget = max(budget, wanted)
            return .join(budget: budget)

        case (.running, .requested(let wanted)):
            // The job trains on to the budget it was dispatched with; the trial is promoted to
            // the larger one when it completes.
            return .join(budget: max(budget, wanted))

        case (.completed, .requested(let wanted)):
            guard wanted > epochsDone else { return .answer(budget: wanted) }
            // More epochs of a network trained already: train it on rather than afresh.
            budget = wanted
            attempts = 0
            state = .queued
            return .promote(budget: wanted)

        case (.stoppedEarly, .requested(let wanted)), (.vetoed, .requested(let wanted)):
            // Its prediction stands for the network at any budget.
            return .answer(budget: wanted)

        case (.failed, .requested), (.incomplete, .requested), (.cancelled, .requested):
            return .trainAfresh

        default:
            throw IllegalEvent(state: state, event: event)
        }
    }

    /// An action the daemon cannot carry out where it came (a bug in the daemon or the lifecycle).
    public struct UnexpectedAction: Error, Hashable, Sendable, CustomStringConvertible {
        /// The action.
        public var action: Action
        /// What the daemon was doing.
        public var context: String
        /// Creates the error.
        public init(action: Action, context: String) {
            self.action = action
            self.context = context
        }
        public var description: String { "unexpected trial lifecycle action \(action) when \(context)" }
    }

    /// Requeues a running trial with attempts left; ends it as `state` otherwise.
    private mutating func retryOrEnd(as terminal: TrialState) -> Action {
        if attempts < maxAttempts {
            state = .queued
            return .requeue
        }
        state = terminal
        return .finish(terminal)
    }
}
