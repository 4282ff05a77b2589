/// Why a run-store operation was refused.
public enum RunStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `createRun` was called on a store that already holds a run.
    case runAlreadyExists(name: String)
    /// The store holds no run row yet (`createRun` was never called).
    case runNotCreated(path: String)
    /// No store file exists in the run directory and the mode forbids creating one.
    case storeNotFound(path: String)
    /// No trial has this id.
    case unknownTrial(TrialID)
    /// No job has this id.
    case unknownJob(JobID)
    /// No proposal has this id.
    case unknownProposal(Int)
    /// The trial lifecycle does not allow this transition (see `TrialState`).
    case illegalTransition(trial: TrialID, from: TrialState, to: TrialState)
    /// The job has already ended, so its lease cannot be extended or expired.
    case jobNotRunning(JobID, state: JobState)
    /// An identical trial is already queued or running; join it instead of inserting another.
    case duplicateInFlightTrial(identityKey: String, existing: TrialID)
    /// The trial whose result was to be reused has no reusable result.
    case nothingToReuse(TrialID, state: TrialState)
    /// A stored value could not be read back (an unknown state name, malformed JSON).
    case corruptValue(table: String, column: String, value: String)
    /// The store was closed.
    case closed
    /// The final phase was begun a second time.
    case finalPhaseStarted

    /// A message for operators and logs.
    public var description: String {
        switch self {
        case .runAlreadyExists(let name):
            return "the store already holds run '\(name)'"
        case .runNotCreated(let path):
            return "the store \(path) holds no run yet"
        case .storeNotFound(let path):
            return "no run store at \(path)"
        case .unknownTrial(let id):
            return "no trial \(id)"
        case .unknownProposal(let id):
            return "no proposal \(id) in this run"
        case .unknownJob(let id):
            return "no job \(id)"
        case .illegalTransition(let trial, let from, let to):
            return "trial \(trial) cannot go from \(from.rawValue) to \(to.rawValue)"
        case .jobNotRunning(let id, let state):
            return "job \(id) is \(state.rawValue), not running"
        case .duplicateInFlightTrial(let identityKey, let existing):
            return "trial \(existing) with identity \(identityKey) is already in flight"
        case .nothingToReuse(let id, let state):
            return "trial \(id) is \(state.rawValue) and has no result to reuse"
        case .corruptValue(let table, let column, let value):
            return "unreadable value '\(value)' in \(table).\(column)"
        case .closed:
            return "the run store is closed"
        case .finalPhaseStarted:
            return "the run's final phase has already begun"
        }
    }
}
