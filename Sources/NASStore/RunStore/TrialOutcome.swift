/// How a trial ended: the argument of `RunStore.finishTrial(_:outcome:)`.
public enum TrialOutcome: Hashable, Sendable {
    /// Trained to its budget with this final validation accuracy.
    case completed(finalAccuracy: Double)
    /// Stopped by the stop rule at `epoch`, which predicted this final accuracy.
    case stoppedEarly(Prediction, atEpoch: Int)
    /// Rejected before training by the prior, which predicted this accuracy.
    case vetoed(Prediction)
    /// Its trainer exited successfully before the budget on every attempt, for this reason.
    case incomplete(reason: String)
    /// Failed, for this reason.
    case failed(reason: String)
    /// Cancelled, for this reason.
    case cancelled(reason: String)

    /// The trial state the outcome leads to.
    public var state: TrialState {
        switch self {
        case .completed: return .completed
        case .stoppedEarly: return .stoppedEarly
        case .vetoed: return .vetoed
        case .incomplete: return .incomplete
        case .failed: return .failed
        case .cancelled: return .cancelled
        }
    }

    /// The state given to the trial's running job, if it has one.
    var jobState: JobState {
        switch self {
        case .completed: return .completed
        case .stoppedEarly: return .stopped
        case .vetoed, .cancelled: return .cancelled
        case .incomplete, .failed: return .failed
        }
    }
}
