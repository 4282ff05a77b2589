/// What only a running daemon knows about a run: the state of its strategy and the workers
/// serving it. `RunViews` takes it to complete a `RunStatusView`; offline views go without.
public struct LiveRunInfo: Hashable, Sendable {
    /// The strategy's kind (`random`, `metaqnn`, `evolution`, `hyperband`).
    public var strategy: String
    /// The strategy's phase, in its own words (`proposing`, `ε = 0.5 (12 of 25)`, `bracket 2, rung 1`,
    /// `waiting for results`, `finished`).
    public var phase: String
    /// The ids of the workers running this run's trials now, in any order (the view sorts them).
    public var workers: [String]

    /// Creates the live part of a run's status.
    ///
    /// - Parameters:
    ///   - strategy: The strategy's kind.
    ///   - phase: The strategy's phase.
    ///   - workers: The ids of the workers serving the run.
    public init(strategy: String, phase: String, workers: [String]) {
        self.strategy = strategy
        self.phase = phase
        self.workers = workers
    }

    /// The phase shown when no daemon is running the run (offline views).
    public static let notRunningPhase = "not running"
}
