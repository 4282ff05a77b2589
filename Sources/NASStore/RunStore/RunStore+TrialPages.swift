/// Pages of trials and the ranking, read with `LIMIT` through indexes instead of every row.
extension RunStore {
    /// One page of a run's trials.
    ///
    /// - Parameters:
    ///   - states: Only trials in these states; `nil` for all.
    ///   - order: The order to list them in.
    ///   - limit: At most this many; `nil` for every one after `offset`.
    ///   - offset: How many of the ordered trials to skip.
    /// - Throws: `DatabaseError`, `RunStoreError.corruptValue`.
    public func trials(
        in states: Set<TrialState>?, order: TrialOrder, limit: Int?, offset: Int = 0
    ) throws -> [TrialRecord] {
        if let states, states.isEmpty { return [] }
        let names = (states ?? []).map(\.rawValue).sorted()
        let filter =
            names.isEmpty
            ? "" : "WHERE state IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        let index = try walksAccuracyIndex(states: states, order: order) ? "INDEXED BY trials_by_accuracy" : ""
        let arguments: [DatabaseValue] =
            names.map { .text($0) } + [.integer(Int64(limit ?? -1)), .integer(Int64(max(0, offset)))]
        return try database.cachedStatement(
            "SELECT \(Self.trialColumns) FROM trials \(index) \(filter) ORDER BY \(order.orderByClause) LIMIT ? OFFSET ?"
        ).rows(arguments, decodeTrial)
    }

    /// Whether a page in accuracy order of trials in `states` is read by walking the accuracy index
    /// (and skipping other states) rather than by reading the states' trials and sorting them.
    ///
    /// Without statistics SQLite always picks the state index, which for the state most trials are
    /// in (`completed`, late in a run) sorts nearly the whole table for one page. The tallies say
    /// how many trials the states hold: when they are more than a quarter of the run, the walk
    /// finds a page's rows within a few times its size.
    private func walksAccuracyIndex(states: Set<TrialState>?, order: TrialOrder) throws -> Bool {
        guard order == .accuracy, let states else { return false }
        let counts = try tallies().counts
        let matching = states.reduce(0) { $0 + (counts[$1] ?? 0) }
        return matching * 4 > counts.values.reduce(0, +)
    }

    /// The completed trials with the highest final accuracy (the earliest on ties), leaving out
    /// those that reused another's result, through the `trials_best` index.
    ///
    /// - Parameter limit: How many to return.
    public func bestTrials(limit: Int) throws -> [TrialRecord] {
        try database.cachedStatement(
            """
            SELECT \(Self.trialColumns) FROM trials INDEXED BY trials_best
            WHERE state = 'completed' AND final_accuracy IS NOT NULL AND reused_from IS NULL AND final_of IS NULL
            ORDER BY final_accuracy DESC, id LIMIT ?
            """
        ).rows([max(0, limit)], decodeTrial)
    }
}
