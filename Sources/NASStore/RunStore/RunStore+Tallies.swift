/// The status view's counts, read from the tallies the schema's triggers keep.
extension RunStore {
    /// The run's tallies: per state the trials, reused trials, epochs saved and budgets; the epochs
    /// recorded.
    ///
    /// - Throws: `RunStoreError.corruptValue` for a state name this build does not know;
    ///   `DatabaseError`.
    public func tallies() throws -> TrialTallies {
        var states: [TrialState: TrialTallies.StateTally] = [:]
        let rows = try database.cachedStatement(
            "SELECT state, trials, reused, epochs_saved, trained_budget, reused_budget FROM trial_tallies"
        ).rows([]) { row in
            (
                row.string(at: 0),
                TrialTallies.StateTally(
                    trials: row.int(at: 1), reused: row.int(at: 2), epochsSaved: row.int(at: 3),
                    trainedBudget: row.int(at: 4), reusedBudget: row.int(at: 5))
            )
        }
        for (name, tally) in rows {
            guard let state = TrialState(rawValue: name) else {
                throw RunStoreError.corruptValue(table: "trial_tallies", column: "state", value: name)
            }
            states[state] = tally
        }
        return TrialTallies(states: states, epochsTrained: try epochsSpent())
    }
}
