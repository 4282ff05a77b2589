/// The status view's counts, read from the tallies the schema's triggers keep.
extension RunStore {
    /// The run's tallies: trials per state, reused trials, epochs saved and recorded.
    ///
    /// - Throws: `RunStoreError.corruptValue` for a state name this build does not know;
    ///   `DatabaseError`.
    public func tallies() throws -> TrialTallies {
        var counts = Dictionary(uniqueKeysWithValues: TrialState.allCases.map { ($0, 0) })
        var reused = 0
        var saved = 0
        let rows = try database.cachedStatement("SELECT state, trials, reused, epochs_saved FROM trial_tallies")
            .rows([]) { ($0.string(at: 0), $0.int(at: 1), $0.int(at: 2), $0.int(at: 3)) }
        for (name, trials, reusedTrials, epochsSaved) in rows {
            guard let state = TrialState(rawValue: name) else {
                throw RunStoreError.corruptValue(table: "trial_tallies", column: "state", value: name)
            }
            counts[state] = trials
            reused += reusedTrials
            saved += epochsSaved
        }
        return TrialTallies(counts: counts, reused: reused, epochsSaved: saved, epochsRecorded: try epochsSpent())
    }
}
