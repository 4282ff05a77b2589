/// How a training call ended, when it did not fail.
public struct TrainingOutcome: Hashable, Sendable {
    /// Why the trainer returned.
    public enum Ending: Hashable, Sendable {
        /// The epoch budget was reached.
        case budgetReached
        /// `report` answered `.stop` before the budget.
        case stopRequested
        /// The trainer had nothing more to give before the budget: a replayed curve shorter than
        /// the budget, or an external trainer that exited successfully early.
        case endedBeforeBudget
    }

    /// Why the trainer returned.
    public var ending: Ending
    /// The last epoch reported; `startEpoch` when none was.
    public var lastEpoch: Int

    /// Creates an outcome.
    public init(ending: Ending, lastEpoch: Int) {
        self.ending = ending
        self.lastEpoch = lastEpoch
    }
}
