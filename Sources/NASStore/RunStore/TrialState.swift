/// Where a trial is in its lifecycle (`trials.state`).
///
/// ```
/// queued ──dispatch──▶ running ──▶ completed | stopped_early | incomplete | failed | cancelled
///   │  ▲   ▲              │   │
///   │  │   └── requeue ───┘   │ (lease expired, worker lost, trainer failed or stopped short)
///   │  └──── promote ─────────┘ (completed at r, asked for r′ > r: trained on from epoch r)
///   └──▶ vetoed | failed | cancelled
/// ```
/// The six outcomes are terminal. `completed`, `stopped_early` and `vetoed` carry a result that
/// an identical later proposal reuses; `incomplete`, `failed` and `cancelled` do not.
public enum TrialState: String, Hashable, Sendable, CaseIterable, Codable {
    /// Waiting for a worker slot.
    case queued
    /// Dispatched to a worker under a lease.
    case running
    /// Trained to its epoch budget.
    case completed
    /// Stopped by the pruner with a predicted final accuracy.
    case stoppedEarly = "stopped_early"
    /// Rejected before training by the pre-dispatch gate.
    case vetoed
    /// Every attempt's trainer exited successfully before the epoch budget: a partial curve that no
    /// strategy may take as final (learned as a failure, never reused).
    case incomplete
    /// Failed: attempts exhausted, a timeout, or a trainer error.
    case failed
    /// Cancelled (the run was stopped or deleted).
    case cancelled

    /// Whether the trial is at rest: no further transition happens unless a proposal asks for more
    /// (only `completed` can then be promoted).
    public var isTerminal: Bool {
        switch self {
        case .queued, .running: return false
        case .completed, .stoppedEarly, .vetoed, .incomplete, .failed, .cancelled: return true
        }
    }

    /// Whether the trial is queued or running (an identical proposal joins it).
    public var isInFlight: Bool { !isTerminal }

    /// Whether the trial ended with a result that an identical proposal may reuse.
    public var hasReusableResult: Bool { self == .completed || self == .stoppedEarly || self == .vetoed }

    /// Whether the lifecycle allows moving from this state to `next`.
    public func canTransition(to next: TrialState) -> Bool {
        switch (self, next) {
        case (.queued, .running), (.queued, .vetoed), (.queued, .failed), (.queued, .cancelled):
            return true
        case (.running, .queued), (.running, .completed), (.running, .stoppedEarly), (.running, .incomplete),
            (.running, .failed), (.running, .cancelled):
            return true
        case (.completed, .queued):
            return true  // a promotion
        default:
            return false
        }
    }
}
