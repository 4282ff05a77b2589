/// How a trial ended: the argument of `RunStore.finishTrial(_:outcome:)`.
public enum TrialOutcome: Hashable, Sendable {
    /// Trained to its budget with this final validation accuracy.
    case completed(finalAccuracy: Double)
    /// Stopped by the pruner, which predicted this final accuracy with this σ.
    case stoppedEarly(predictedAccuracy: Double, sigma: Double)
    /// Rejected before training by the gate, which predicted this accuracy with this σ.
    case vetoed(predictedAccuracy: Double, sigma: Double)
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
        case .failed: return .failed
        }
    }
}
