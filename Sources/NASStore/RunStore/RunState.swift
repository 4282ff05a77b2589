import Foundation

/// Where a run is in its life (`run.state`).
public enum RunState: String, Hashable, Sendable, CaseIterable, Codable {
    /// Proposing and dispatching trials.
    case active
    /// Paused by an operator: no new dispatches; trials in flight continue.
    case paused
    /// Asked to stop: no new dispatches; waiting for trials in flight to reach an epoch boundary.
    case stopping
    /// Ended by one of its end criteria or by its strategy.
    case finished
    /// Ended by an error (the reason is in `finishReason`).
    case failed

    /// Whether the run has ended and will not be resumed.
    public var isTerminal: Bool { self == .finished || self == .failed }
}

/// What a run is created with.
public struct NewRun: Hashable, Sendable {
    /// The run's name: its identity in the state directory.
    public var name: String
    /// The configuration file's text, kept verbatim so the run can be inspected and compared.
    public var configurationText: String
    /// A canonical string of everything that alters the search (space, strategy, seed): a resume
    /// with a different identity must be refused unless the operator restarts the run.
    public var searchIdentity: String

    /// Creates a run description.
    public init(name: String, configurationText: String, searchIdentity: String) {
        self.name = name
        self.configurationText = configurationText
        self.searchIdentity = searchIdentity
    }
}

/// The run's single row.
public struct RunRecord: Hashable, Sendable {
    /// The run's name.
    public var name: String
    /// The configuration text the run was last started with.
    public var configurationText: String
    /// The canonical search identity (see `NewRun.searchIdentity`).
    public var searchIdentity: String
    /// When the run was created.
    public var createdAt: Date
    /// When the row last changed.
    public var updatedAt: Date
    /// The run's state.
    public var state: RunState
    /// Why the run finished or failed, when it has.
    public var finishReason: String?

    /// Creates a run record.
    public init(
        name: String, configurationText: String, searchIdentity: String, createdAt: Date, updatedAt: Date,
        state: RunState, finishReason: String?
    ) {
        self.name = name
        self.configurationText = configurationText
        self.searchIdentity = searchIdentity
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.state = state
        self.finishReason = finishReason
    }
}
