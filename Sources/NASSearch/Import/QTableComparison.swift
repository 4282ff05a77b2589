import NASCore

/// How close an imported MetaQNN Q-table is to the one the original run saved: the values of the
/// (state, action) pairs both hold, the greedy action per shared state, and both greedy paths.
public struct QTableComparison: Sendable {
    /// Pairs both tables hold.
    public var sharedPairs = 0
    /// Pairs only the original holds (states the import never visited, or choices this space
    /// does not offer).
    public var originalOnlyPairs = 0
    /// Mean |Q_imported − Q_original| over the shared pairs.
    public var meanAbsoluteDifference = 0.0
    /// Largest |Q_imported − Q_original| over the shared pairs.
    public var maxAbsoluteDifference = 0.0
    /// Pearson correlation of the shared pairs' values.
    public var correlation = 0.0
    /// States whose every action both tables hold.
    public var comparableStates = 0
    /// Of those, states where both tables' greedy action is the same.
    public var agreeingGreedyStates = 0
    /// The imported table's greedy network and the Q value of its first action.
    public var importedGreedy: (network: Network, value: Double)?
    /// The original table's greedy network (followed through this space's transitions) and the
    /// Q value of its first action; nil when its path leaves this space.
    public var originalGreedy: (network: Network, value: Double)?
    /// How many leading layers the two greedy networks share.
    public var sharedGreedyPrefix = 0

    /// Compares `strategy`'s Q-table with an original's.
    public init(_ strategy: MetaQNN<MetaQNNSpace>, space: MetaQNNSpace, original: MetaQNNOriginalQValues) {
        let table = strategy.qTable
        var byState: [MetaQNNState: [MetaQNNOriginalQValues.Entry]] = [:]
        var order: [MetaQNNState] = []
        for entry in original.entries {
            if byState[entry.state] == nil { order.append(entry.state) }
            byState[entry.state, default: []].append(entry)
        }
        var pairs: [(Double, Double)] = []
        for key in order {
            let entries = byState[key] ?? []
            guard let index = table.index(of: key) else {
                originalOnlyPairs += entries.count
                continue
            }
            let actions = space.legalActions(from: key)
            var matched: [(ours: Int, theirs: Double)] = []
            for entry in entries {
                if let action = actions.firstIndex(where: { MetaQNNOriginalQValues.isSameChoice($0, entry.action) }) {
                    matched.append((action, entry.utility))
                    pairs.append((table.utility(of: index, action: action), entry.utility))
                } else {
                    originalOnlyPairs += 1
                }
            }
            if matched.count == actions.count && !matched.isEmpty {
                comparableStates += 1
                let theirBest = matched.max { $0.theirs < $1.theirs }?.ours
                if let theirBest, table.greedyActions(of: index).contains(theirBest) { agreeingGreedyStates += 1 }
            }
        }
        sharedPairs = pairs.count
        if !pairs.isEmpty {
            let count = Double(pairs.count)
            meanAbsoluteDifference = pairs.reduce(0) { $0 + abs($1.0 - $1.1) } / count
            maxAbsoluteDifference = pairs.reduce(0) { max($0, abs($1.0 - $1.1)) }
            let meanX = pairs.reduce(0) { $0 + $1.0 } / count
            let meanY = pairs.reduce(0) { $0 + $1.1 } / count
            let covariance = pairs.reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
            let varianceX = pairs.reduce(0) { $0 + ($1.0 - meanX) * ($1.0 - meanX) }
            let varianceY = pairs.reduce(0) { $0 + ($1.1 - meanY) * ($1.1 - meanY) }
            correlation = varianceX > 0 && varianceY > 0 ? covariance / (varianceX * varianceY).squareRoot() : 0
        }
        let greedy = strategy.greedyTrajectory()
        let start = space.startState
        let firstValue = table.index(of: space.bucketed(start)).map { table.maxUtility(of: $0) } ?? table.initialValue
        importedGreedy = (greedy.network, firstValue)
        originalGreedy = Self.originalGreedyPath(space: space, byState: byState)
        if let ours = greedy.network.architecture?.layers, let theirs = originalGreedy?.network.architecture?.layers {
            sharedGreedyPrefix = zip(ours, theirs).prefix { $0 == $1 }.count
        }
    }

    /// The original's greedy path (ties to the first row), taken through this space's transitions.
    private static func originalGreedyPath(
        space: MetaQNNSpace, byState: [MetaQNNState: [MetaQNNOriginalQValues.Entry]]
    ) -> (network: Network, value: Double)? {
        var current = space.startState
        var trajectory = [current]
        var firstValue: Double?
        while !current.isTerminal {
            guard let entries = byState[space.bucketed(current)], var best = entries.first else { return nil }
            for entry in entries.dropFirst() where entry.utility > best.utility { best = entry }
            if firstValue == nil { firstValue = best.utility }
            guard
                let next = space.legalActions(from: current).first(where: {
                    MetaQNNOriginalQValues.isSameChoice($0, best.action)
                })
            else { return nil }
            current = next
            trajectory.append(current)
        }
        return (space.network(of: trajectory), firstValue ?? 0)
    }
}
