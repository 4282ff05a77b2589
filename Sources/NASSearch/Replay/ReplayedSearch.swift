import NASCore

/// One search replayed over a `ReplayTable`: the strategy's own `propose()` / `observe(_:)` code,
/// with a table lookup standing in for training, one trial at a time (the benchmark's protocol).
///
/// A proposed network costs its served epochs and returns its recorded curve up to the candidate's
/// budget; a network proposed again is served again at no cost, as the daemon reuses a trained
/// network. A model a strategy waits for (`Proposal.waitForModel`) is fitted in place. The search ends when `budget` distinct networks have been trained, or when the
/// strategy is exhausted or waits for results (nothing else is in flight).
public struct ReplayedSearch: Hashable, Sendable {
    /// The outcome of one replayed search.
    public struct Result: Hashable, Sendable {
        /// The network with the best search signal (the last served validation accuracy; the first
        /// trained among equals), `nil` when nothing was trained.
        public var bestNotation: String?
        /// Its search signal.
        public var bestValidation: Double?
        /// Its recorded test accuracy, when the table has one.
        public var bestTest: Double?
        /// Distinct networks trained.
        public var trained: Int
        /// Epochs spent.
        public var epochs: Int
        /// Proposals of networks already trained (served at no cost).
        public var reused: Int
        /// The distinct networks trained, in the order the strategy proposed them (their notation).
        public var trainedNetworks: [String] = []
    }

    /// How many proposals per budgeted network a strategy may make before it counts as stalled.
    public static let proposalsPerNetwork = 100

    /// Replays one search.
    ///
    /// - Parameters:
    ///   - strategy: a fresh strategy; it is driven in place.
    ///   - table: the recorded runs.
    ///   - budget: how many distinct networks to train.
    /// - Throws: `ReplayError`.
    public static func run(
        _ strategy: inout some SearchStrategy, table: ReplayTable, budget: Int
    ) throws(ReplayError) -> Result {
        var result = Result(trained: 0, epochs: 0, reused: 0)
        var trained = Set<String>()
        var candidates: [Int: Candidate] = [:]
        var servedEpoch: [Int: Int] = [:]
        var proposals = 0
        let proposalLimit = max(1, budget) * proposalsPerNetwork
        search: while result.trained < budget {
            proposals += 1
            guard proposals <= proposalLimit else { throw .stalled(proposals: proposals - 1, trained: result.trained) }
            let proposal: Proposal
            do {
                proposal = try strategy.propose()
            } catch {
                throw .strategy(error)
            }
            var candidate: Candidate
            var alreadyServed = 0
            switch proposal {
            case .train(let proposed):
                candidate = proposed
            case .continueTraining(let proposalID, let newBudget):
                guard var earlier = candidates[proposalID] else { throw .unknownProposal(proposalID) }
                earlier.budget = newBudget
                candidate = earlier
                alreadyServed = servedEpoch[proposalID] ?? 0
            case .waitForModel(let version):
                // Replay has no commit thread to keep free: the fit and the preparation run in place.
                guard let request = strategy.modelRequest, request.version == version else {
                    throw .stalled(proposals: proposals, trained: result.trained)
                }
                strategy.install(request.fulfilled())
                continue search
            case .waitForResults, .exhausted:
                break search
            }
            guard let entry = table.entry(for: candidate.network) else {
                throw .networkNotRecorded(notation: candidate.network.notation)
            }
            let served = entry.curve(upTo: candidate.budget)
            let outcome: TrialOutcome
            if served.curve.isEmpty {
                outcome = .failed(reason: "no recorded epoch within the budget of \(candidate.budget)")
            } else {
                outcome = .completed(curve: served.curve)
            }
            candidates[candidate.proposalID] = candidate
            let lastEpoch = served.epochs.last ?? 0
            let identity = candidate.network.canonicalNotation
            if case .train = proposal {
                if trained.insert(identity).inserted {
                    result.trained += 1
                    result.trainedNetworks.append(candidate.network.notation)
                    result.epochs += lastEpoch
                } else {
                    result.reused += 1
                }
            } else {
                result.epochs += max(0, lastEpoch - alreadyServed)
            }
            servedEpoch[candidate.proposalID] = max(servedEpoch[candidate.proposalID] ?? 0, lastEpoch)
            if let signal = served.curve.last, result.bestValidation.map({ signal > $0 }) ?? true {
                result.bestValidation = signal
                result.bestTest = entry.testAccuracy
                result.bestNotation = candidate.network.notation
            }
            strategy.observe(Observation(proposalID: candidate.proposalID, candidate: candidate, outcome: outcome))
        }
        return result
    }
}
