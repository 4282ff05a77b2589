import NASCore

/// Hyperband and f-Hyperband replayed over recorded curves (`nasd replay --strategy
/// hyperband,f-hyperband`): the `Hyperband` strategy's own code, drawing configurations from the
/// rows, with a row's curve prefix of length r standing for training it r epochs, one trial at a
/// time, as the daemon does with one worker.
///
/// A promotion trains the same configuration on from its last epoch (the daemon's continuation),
/// so it costs r_{i+1} − r_i epochs. With a pruner (f-Hyperband's), after each epoch τ < r_i the
/// pruner decides on the first τ values, given the rung the strategy reports
/// (`Hyperband.rungStanding(ofProposal:)`) and the model version its schedule names for the
/// completions so far, fit on exactly those completions the first time a decision needs it (the
/// daemon's model-version rule). A stopped configuration's result in its rung is its prediction;
/// if that ranks it among the rung's best it is promoted, and — as in the daemon, which does not
/// train a stopped trial again — answers the next rung with the same prediction at no cost. Every
/// completion at r_i adds its curve y(1…r_i) to the examples.
public enum HyperbandReplay {
    /// The outcome of one replayed search.
    public struct Search: Hashable, Sendable {
        /// The best value after R epochs of a configuration trained to R (the search's answer);
        /// nil when none was.
        public var bestFinal: Double?
        /// Epochs trained.
        public var epochsUsed: Int
        /// Configurations stopped early.
        public var stopped: Int
        /// Configurations trained to R.
        public var trainedToMaximum: Int
        /// Model versions fit.
        public var fits: Int
    }

    /// Means over searches.
    public struct Summary: Hashable, Sendable {
        /// Mean of `bestFinal` over the searches that trained anything to R.
        public var bestFinal: Double?
        /// Mean epochs used.
        public var epochsUsed: Double
        /// Mean configurations stopped early.
        public var stopped: Double
        /// The number of searches.
        public var searches: Int
    }

    /// Hyperband's epochs over f-Hyperband's, and whether f-Hyperband's best matched.
    public struct Comparison: Hashable, Sendable {
        /// Σ baseline epochs / Σ f-Hyperband epochs over all searches; nil when f-Hyperband used none.
        public var epochsRatio: Double?
        /// Searches in which f-Hyperband's best final value reached the baseline's (equal best).
        public var bestReached: Int
        /// The number of searches compared.
        public var searches: Int
    }

    /// Draws configurations uniformly from the recorded rows' networks.
    public struct RowSampler: NetworkSampler {
        /// The networks drawn from, one per row.
        public var networks: [Network]

        /// A sampler over `rows`.
        public init(rows: [EarlyStoppingReplay.Row]) {
            networks = rows.map(\.candidate.network)
        }

        public func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network {
            guard !networks.isEmpty else { throw .spaceExhausted("the replayed data has no complete rows") }
            return networks[Int.random(in: 0..<networks.count, using: &generator)]
        }
    }

    private struct Trained {
        var row: EarlyStoppingReplay.Row
        var served = 0
        var stop: TrialOutcome?
    }

    /// Replays one search to the strategy's end.
    ///
    /// - Parameters:
    ///   - hyperband: a fresh strategy whose sampler draws from `rows` (`RowSampler`).
    ///   - rows: the recorded complete curves, each recorded at epochs 1, 2, … up to at least R.
    ///   - pruner: f-Hyperband's pruner, or nil for Hyperband.
    /// - Throws: `ReplayError`.
    public static func run(_ hyperband: inout Hyperband, rows: [EarlyStoppingReplay.Row], pruner: (any Pruner)?)
        throws(ReplayError) -> Search
    {
        var byIdentity: [String: EarlyStoppingReplay.Row] = [:]
        for row in rows where byIdentity[row.candidate.network.canonicalNotation] == nil {
            byIdentity[row.candidate.network.canonicalNotation] = row
        }
        let maxResource = hyperband.bracketTable.compactMap { $0.rounds.last?.epochs }.max() ?? 0
        var search = Search(bestFinal: nil, epochsUsed: 0, stopped: 0, trainedToMaximum: 0, fits: 0)
        var trained: [Int: Trained] = [:]
        var examples: [PredictorExample] = []
        var models: [Int: (any PredictorModel)?] = [:]
        func model(forVersion version: Int) -> (any PredictorModel)? {
            if let fitted = models[version] { return fitted }
            let count = pruner?.schedule?.exampleCount(ofVersion: version) ?? 0
            let fitted = try? pruner?.fit(Array(examples.prefix(count)), version: version)
            search.fits += 1
            models[version] = .some(fitted)
            return fitted
        }
        var proposals = 0
        while true {
            proposals += 1
            let proposal: Proposal
            do {
                proposal = try hyperband.propose()
            } catch {
                throw .strategy(error)
            }
            let proposalID: Int
            let budget: Int
            switch proposal {
            case .train(let candidate):
                guard let row = byIdentity[candidate.network.canonicalNotation] else {
                    throw .networkNotRecorded(notation: candidate.network.notation)
                }
                trained[candidate.proposalID] = Trained(row: row)
                (proposalID, budget) = (candidate.proposalID, candidate.budget)
            case .continueTraining(let id, let newBudget):
                (proposalID, budget) = (id, newBudget)
            case .waitForResults, .waitForModel:
                // Hyperband answers every proposal it waits on in order and fits no model.
                throw .stalled(proposals: proposals, trained: trained.count)
            case .exhausted:
                return search
            }
            guard var configuration = trained[proposalID] else { throw .unknownProposal(proposalID) }
            var candidate = configuration.row.candidate
            candidate.proposalID = proposalID
            candidate.budget = budget
            if let stop = configuration.stop {
                hyperband.observe(Observation(proposalID: proposalID, candidate: candidate, outcome: stop))
                continue
            }
            guard configuration.row.epochs.count >= budget, configuration.row.epochs[budget - 1] == budget else {
                throw .curveTooShort(
                    notation: candidate.network.notation, needed: budget, recorded: configuration.row.epochs)
            }
            var outcome = TrialOutcome.completed(curve: Array(configuration.row.curve.prefix(budget)))
            epochs: for tau in stride(from: configuration.served + 1, to: budget, by: 1) {
                guard let pruner else { break }
                let version = pruner.schedule?.version(afterExamples: examples.count) ?? 0
                let fitted = version >= 1 ? model(forVersion: version) : nil
                if pruner.schedule != nil && fitted == nil { continue }
                let curve = configuration.row.prefix(reports: tau)
                let decision = pruner.decide(
                    candidate: candidate, curve: curve,
                    standing: RunStanding(rung: hyperband.rungStanding(ofProposal: proposalID)), model: fitted)
                if case .stop(let predicted, let sigma, _) = decision {
                    outcome = .stoppedEarly(curve: curve.values, predicted: predicted, sigma: sigma)
                    break epochs
                }
            }
            switch outcome {
            case .stoppedEarly(let curve, _, _):
                search.epochsUsed += curve.count - configuration.served
                configuration.served = curve.count
                configuration.stop = outcome
                search.stopped += 1
            case .completed(let curve):
                search.epochsUsed += budget - configuration.served
                configuration.served = budget
                examples.append(PredictorExample(candidate: candidate, curve: curve))
                if budget == maxResource, let final = curve.last {
                    search.trainedToMaximum += 1
                    search.bestFinal = max(search.bestFinal ?? final, final)
                }
            case .vetoed, .failed:
                break
            }
            trained[proposalID] = configuration
            hyperband.observe(Observation(proposalID: proposalID, candidate: candidate, outcome: outcome))
        }
    }

    /// The means over searches.
    public static func summarize(_ searches: [Search]) -> Summary {
        let count = Double(max(1, searches.count))
        let bests = searches.compactMap(\.bestFinal)
        return Summary(
            bestFinal: bests.isEmpty ? nil : bests.reduce(0, +) / Double(bests.count),
            epochsUsed: Double(searches.reduce(0) { $0 + $1.epochsUsed }) / count,
            stopped: Double(searches.reduce(0) { $0 + $1.stopped }) / count, searches: searches.count)
    }

    /// Compares searches pairwise (search i of each saw the same configurations): the ratio of
    /// epochs and in how many f-Hyperband's best reached the baseline's.
    public static func compare(baseline: [Search], fast: [Search]) -> Comparison {
        let pairs = zip(baseline, fast)
        let baselineEpochs = pairs.reduce(0) { $0 + $1.0.epochsUsed }
        let fastEpochs = pairs.reduce(0) { $0 + $1.1.epochsUsed }
        let reached = pairs.filter { base, fast in
            guard let target = base.bestFinal else { return true }
            return (fast.bestFinal ?? -.infinity) >= target
        }.count
        return Comparison(
            epochsRatio: fastEpochs > 0 ? Double(baselineEpochs) / Double(fastEpochs) : nil, bestReached: reached,
            searches: min(baseline.count, fast.count))
    }
}
