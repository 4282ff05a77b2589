import Foundation
import NASCore

/// Regularized evolution with a learned predictor as the fitness (Xu et al. 2020, Algorithm 1;
/// ALGORITHMS.md §4; issue 9 §4): `strategy: {kind: evolution, predictor: rnas | peephole}`.
///
/// The first `warmup` networks are proposed exactly as plain regularized evolution would (random
/// until the population holds P trained networks, then mutations of tournament winners:
/// `RegularizedEvolution.nextNetwork`). Then, in rounds: once every proposal so far has its
/// result, the predictor is fitted on all trained networks, a population — seeded with the trained
/// population — is evolved for `generations` × P cycles on predicted fitness alone
/// (`EvolutionPopulation.evolve`), and the `trainTopK` best-predicted networks not proposed before
/// are proposed for training. Their results join the trained set and the next round refits.
///
/// The fit of round r is model version r of the predictor, and neither it nor the round's ranking
/// (G × P candidates scored: 0.4 s with the defaults) is made on the caller's thread: `propose()`
/// answers `.waitForModel(version: r)`, `modelRequest` names the fit and the round's start, and the
/// daemon runs both off its commit thread and hands the started round over with `install(_:)`
/// (`nasd replay` runs them in place). The snapshot holds the round, never the model, so it stays
/// small; a restored strategy waiting for round r asks for model r again, gets the stored one, and
/// starts the round exactly as before (the start is a pure function of the model and the state).
///
/// Each round refits **from scratch** (seeded by the run seed and the round): the model is then a
/// pure function of the trained networks, so a resumed run gets bit-identical models whatever
/// happened to earlier ones; the training sets are small (hundreds) so a fresh fit is cheap; and a
/// fresh pairwise fit weighs every pair equally instead of the first rounds' pairs dominating a
/// warm model. A failed fit (or fewer than 2 trained networks) makes the round explore at random.
///
/// With a **transferred model** (`strategy.predictor_model`, a model trained on an earlier run's
/// networks) the strategy does not have to learn before it can rank: a round that starts with
/// fewer than 2 trained networks (the first, with no warm-up) is ranked by the transferred model
/// without a fit (its request names no examples); later rounds wait for model version r as above, which the
/// predictor fits by fine-tuning the transferred model on the run's trained networks (the rule of
/// `prior.model`: the transfer is the point of giving a model), and a failed fit falls back to the
/// transferred model rather than to random networks. The transferred model is not in the snapshot
/// either: the strategy is rebuilt with it (the daemon pins the run's copy of the file).
///
/// The run ends after `cycles` networks proposed after the warm-up. Deterministic given the seed
/// and the order of observations.
public struct PredictorDrivenEvolution: SearchStrategy {
    /// Where a round's candidates come from before the predictor ranks them.
    public enum CandidatePool: String, Hashable, Sendable, CaseIterable {
        /// Regularized evolution on predicted fitness for G × P cycles, seeded with the trained
        /// population (Xu et al.'s Algorithm 1): every network it scores is a candidate.
        case evolution
        /// G × P mutations of the P best trained networks (parents drawn uniformly): candidates one
        /// mutation away from measured results, where a predictor fit on those results is most
        /// reliable (the mutation acquisition of BANANAS, White et al. 2021), with no drift into
        /// regions only the predictor favours.
        case mutations
    }

    /// The strategy's settings.
    public struct Settings: Hashable, Sendable {
        /// P.
        public var population: Int
        /// S, the tournament size.
        public var sampleSize: Int
        /// Networks proposed after the warm-up before the run ends.
        public var cycles: Int
        /// Networks trained as plain regularized evolution before the first fit.
        public var warmup: Int
        /// Generations (of P cycles each) evolved on predicted fitness per round.
        public var generations: Int
        /// Networks trained per round.
        public var trainTopK: Int
        /// Where a round's candidates come from.
        public var pool: CandidatePool

        /// Creates the settings.
        public init(
            population: Int, sampleSize: Int, cycles: Int, warmup: Int, generations: Int, trainTopK: Int,
            pool: CandidatePool = .evolution
        ) {
            self.population = population
            self.sampleSize = sampleSize
            self.cycles = cycles
            self.warmup = warmup
            self.generations = generations
            self.trainTopK = trainTopK
            self.pool = pool
        }
    }

    /// A trained network and its reward.
    struct TrainedNetwork: Codable, Hashable {
        var network: Network
        var fitness: Double
    }

    private struct State: Codable, Equatable {
        var generator: SeededGenerator
        var nextProposalID: Int
        /// The trained networks as regularized evolution sees them (the warm-up's population, and
        /// the seed of each round's predicted evolution).
        var population: EvolutionPopulation
        /// Every network trained with a result, in observation order: the predictor's training set.
        var trained: [TrainedNetwork]
        var proposed: [String]
        var outstanding: Int
        /// The current round's networks still to propose, best predicted first.
        var queue: [Network]
        /// Rounds started (the model version of the latest).
        var round: Int
        var roundProposals: Int
    }

    private let space: any MutableSpace
    private let settings: Settings
    private let predictor: any ArchitecturePredictor
    private let transferred: (any PredictorModel)?
    private let hyperparameters: [String: Double]
    private let budget: Int
    private var state: State
    private var proposedSet: Set<String>
    /// The round about to start, prepared off the caller's thread (not part of the snapshot).
    private var prepared: (version: Int, round: PreparedRound)?

    /// A round started by `modelRequest.prepare`: the state it was started from, and the state
    /// after the start (or why it could not start).
    private struct PreparedRound: Sendable {
        var from: State
        var started: Result<State, StrategyError>
    }

    /// Creates the strategy.
    ///
    /// - Parameters:
    ///   - space: where random networks and mutations come from (any network the predictor encodes).
    ///   - settings: P, S, the warm-up and the rounds.
    ///   - predictor: the fitness predictor (RNAS's ranker, Peephole).
    ///   - hyperparameters: the training hyperparameters every candidate gets.
    ///   - budget: the epoch budget of every candidate.
    ///   - seed: the run seed.
    ///   - transferred: a model of `predictor`'s trained before the run (`strategy.predictor_model`),
    ///     the fitness until the run's first fit; nil to learn from the run's networks only.
    public init(
        space: any MutableSpace, settings: Settings, predictor: any ArchitecturePredictor,
        hyperparameters: [String: Double], budget: Int, seed: UInt64, transferred: (any PredictorModel)? = nil
    ) {
        self.space = space
        self.settings = settings
        self.predictor = predictor
        self.transferred = transferred
        self.hyperparameters = hyperparameters
        self.budget = budget
        self.state = State(
            // The stream of `RegularizedEvolution`, so that the warm-up proposes what plain evolution would.
            generator: SeededGenerator.derived(from: seed, stream: "regularized-evolution"), nextProposalID: 1,
            population: EvolutionPopulation(capacity: settings.population), trained: [], proposed: [],
            outstanding: 0, queue: [], round: 0, roundProposals: 0)
        self.proposedSet = []
    }

    public var kind: String { "evolution" }

    public var phase: String {
        if state.round == 0 && state.proposed.count < settings.warmup {
            return "warm-up (\(state.proposed.count)/\(settings.warmup) proposed, \(state.trained.count) trained)"
        }
        if let version = awaitedVersion {
            let model =
                state.trained.count >= 2
                ? "\(predictor.name) model \(version) (on \(state.trained.count) networks)"
                : "the start of round \(version)"
            return "waiting for \(model)"
        }
        let origin = transferred == nil ? "" : ", from a transferred model"
        return "predictor round \(state.round) (\(state.roundProposals)/\(settings.cycles) after warm-up, "
            + "\(predictor.name) model on \(state.trained.count) networks\(origin))"
    }

    /// The latest round's model version (0 before the first round).
    public var modelVersion: Int { state.round }

    public mutating func propose() throws(StrategyError) -> Proposal {
        let network: Network
        if state.proposed.count < settings.warmup {
            let next = try RegularizedEvolution.nextNetwork(
                population: state.population, sampleSize: settings.sampleSize, space: space,
                using: &state.generator, proposed: proposedSet)
            network = next.network
        } else {
            if state.roundProposals >= settings.cycles { return .exhausted }
            if state.queue.isEmpty {
                // A round fits on every result so far: wait for the outstanding ones.
                if state.outstanding > 0 { return .waitForResults }
                guard let prepared, prepared.version == state.round + 1 else {
                    return .waitForModel(version: state.round + 1)
                }
                self.prepared = nil
                state = try prepared.round.started.get()
            }
            network = state.queue.removeFirst()
            state.roundProposals += 1
        }
        return .train(record(network))
    }

    public mutating func observe(_ observation: Observation) {
        state.outstanding = max(0, state.outstanding - 1)
        guard let fitness = observation.outcome.reward else { return }
        state.trained.append(TrainedNetwork(network: observation.candidate.network, fitness: fitness))
        state.population.add(
            EvolutionPopulation.Member(
                network: observation.candidate.network, fitness: fitness, proposalID: observation.proposalID))
    }

    public var modelRequest: StrategyModelRequest? {
        guard let version = awaitedVersion else { return nil }
        // Fewer than 2 trained networks: nothing to fit on (the round ranks with a transferred
        // model, or explores at random).
        let examples =
            state.trained.count < 2
            ? nil
            : state.trained.map {
                PredictorExample(
                    candidate: Candidate(
                        proposalID: 0, network: $0.network, hyperparameters: hyperparameters, budget: budget),
                    curve: [$0.fitness])
            }
        let from = self
        return StrategyModelRequest(predictor: predictor, version: version, examples: examples) { model in
            StrategyPreparation(
                version: version, content: PreparedRound(from: from.state, started: from.startedRound(with: model)))
        }
    }

    public mutating func install(_ preparation: StrategyPreparation) {
        guard preparation.version == awaitedVersion, let round = preparation.content as? PreparedRound,
            round.from == state
        else { return }
        prepared = (preparation.version, round)
    }

    public func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    public mutating func restore(from snapshot: Data) throws(StrategyError) {
        state = try Self.decodeSnapshot(State.self, from: snapshot)
        proposedSet = Set(state.proposed)
        prepared = nil
    }

    /// The model version the next round needs and whose preparation has not been handed over: set
    /// once the warm-up is proposed, the round's queue is empty and every result is in.
    private var awaitedVersion: Int? {
        guard state.proposed.count >= settings.warmup, state.roundProposals < settings.cycles, state.queue.isEmpty,
            state.outstanding == 0
        else { return nil }
        let version = state.round + 1
        return prepared?.version == version ? nil : version
    }

    private mutating func record(_ network: Network) -> Candidate {
        let identity = network.canonicalNotation
        state.proposed.append(identity)
        proposedSet.insert(identity)
        state.outstanding += 1
        let candidate = Candidate(
            proposalID: state.nextProposalID, network: network, hyperparameters: hyperparameters, budget: budget)
        state.nextProposalID += 1
        return candidate
    }

    /// The state once a round has started with `fitted` (`startRound(with:)`), or why it could not start.
    private func startedRound(with fitted: (any PredictorModel)?) -> Result<State, StrategyError> {
        var round = self
        do {
            try round.startRound(with: fitted)
            return .success(round.state)
        } catch {
            return .failure(error)
        }
    }

    /// Queues the best-predicted unseen networks of an evolution on `fitted`'s predicted fitness —
    /// the transferred model's when none was fit (fewer than 2 trained networks, or a failed fit) —
    /// and random unseen networks when there is no model at all. Slow: `modelRequest.prepare` runs it.
    private mutating func startRound(with fitted: (any PredictorModel)?) throws(StrategyError) {
        state.round += 1
        let model = fitted ?? transferred
        let count = min(settings.trainTopK, settings.cycles - state.roundProposals)
        guard let model, let score = try? predictor.makeScore(model) else {
            // Nothing to learn from (every warm-up trial failed, or the fit failed) and no
            // transferred model: explore at random.
            try fillWithRandomNetworks(to: count)
            return
        }
        var cache: [String: Double] = [:]
        let predict = { (network: Network) throws -> Double in
            let identity = network.canonicalNotation
            if let known = cache[identity] { return known }
            let value = try score(network)
            cache[identity] = value
            return value
        }
        let history: [EvolutionPopulation.Member]
        switch settings.pool {
        case .evolution: history = try evolvedCandidates(predict)
        case .mutations: history = try mutatedCandidates(predict)
        }
        var queued = Set<String>()
        let ranked = history.enumerated().sorted { ($1.element.fitness, $0.offset) < ($0.element.fitness, $1.offset) }
        for (_, member) in ranked where state.queue.count < count {
            let identity = member.network.canonicalNotation
            guard !proposedSet.contains(identity), queued.insert(identity).inserted else { continue }
            state.queue.append(member.network)
        }
        try fillWithRandomNetworks(to: count)
    }

    /// The trained population and G × P generations of evolution on predicted fitness.
    private mutating func evolvedCandidates(_ predict: (Network) throws -> Double) throws(StrategyError)
        -> [EvolutionPopulation.Member]
    {
        var population = EvolutionPopulation(capacity: settings.population)
        for member in state.population.members {
            population.add(
                EvolutionPopulation.Member(
                    network: member.network, fitness: try Self.scored(member.network, predict), proposalID: 0))
        }
        return try population.members
            + population.evolve(
                cycles: settings.generations * settings.population, sampleSize: settings.sampleSize, space: space,
                using: &state.generator, fitness: predict)
    }

    /// G × P unseen mutations of the P best trained networks (unseen random networks when none is
    /// trained), scored.
    private mutating func mutatedCandidates(_ predict: (Network) throws -> Double) throws(StrategyError)
        -> [EvolutionPopulation.Member]
    {
        let parents = state.trained.enumerated()
            .sorted { ($1.element.fitness, $0.offset) < ($0.element.fitness, $1.offset) }
            .prefix(settings.population).map(\.element.network)
        var candidates: [EvolutionPopulation.Member] = []
        for index in 0..<(settings.generations * settings.population) {
            // No trained parent yet (a transferred model's first round): unseen random networks.
            let child =
                parents.isEmpty
                ? try RegularizedEvolution.unseenRandomNetwork(
                    space: space, using: &state.generator, excluding: proposedSet)
                : try RegularizedEvolution.unseenOffspring(
                    of: parents[Int.random(in: 0..<parents.count, using: &state.generator)], space: space,
                    using: &state.generator, proposed: proposedSet)
            candidates.append(
                EvolutionPopulation.Member(
                    network: child, fitness: try Self.scored(child, predict), proposalID: index + 1))
        }
        return candidates
    }

    private static func scored(_ network: Network, _ predict: (Network) throws -> Double) throws(StrategyError)
        -> Double
    {
        do {
            return try predict(network)
        } catch {
            throw .spaceExhausted("fitness of \(network.notation): \(error)")
        }
    }

    private mutating func fillWithRandomNetworks(to count: Int) throws(StrategyError) {
        while state.queue.count < count {
            state.queue.append(
                try RegularizedEvolution.unseenRandomNetwork(
                    space: space, using: &state.generator,
                    excluding: proposedSet.union(state.queue.map(\.canonicalNotation))))
        }
    }
}
