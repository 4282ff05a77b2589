import Foundation
import NASCore
import NASNumerics

/// Regularized evolution with RNAS's ranker as the fitness (Xu et al. 2020, Algorithm 1;
/// ALGORITHMS.md §4; issue 9 §4): `strategy: {kind: evolution, predictor: rnas}`.
///
/// The first `warmup` networks are proposed exactly as plain regularized evolution would (random
/// until the population holds P trained networks, then mutations of tournament winners). Then, in
/// rounds: once every proposal so far has its result, the ranker is fitted on all trained networks,
/// a population — seeded with the trained population — is evolved for `generations` × P cycles
/// on predicted fitness alone (`EvolutionPopulation.evolve`), and the `trainTopK` best-predicted
/// networks not proposed before are proposed for training. Their results join the trained set and
/// the next round refits.
///
/// Each round refits **from scratch** (seeded by the run seed and the round): the model is then a
/// pure function of the trained networks, so a resumed run fits bit-identically whatever happened to
/// earlier models; the training sets are small (hundreds) so a fresh fit is cheap; and a fresh
/// pairwise fit weighs every pair equally instead of the first rounds' pairs dominating a warm model.
///
/// The fitted model is part of the snapshot. The run ends after `cycles` networks proposed after the
/// warm-up. Deterministic given the seed and the order of observations.
public struct PredictorDrivenEvolution: SearchStrategy {
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
        /// The ranker's settings.
        public var ranker: RNASSettings

        /// Creates the settings.
        public init(
            population: Int, sampleSize: Int, cycles: Int, warmup: Int, generations: Int, trainTopK: Int,
            ranker: RNASSettings = RNASSettings()
        ) {
            self.population = population
            self.sampleSize = sampleSize
            self.cycles = cycles
            self.warmup = warmup
            self.generations = generations
            self.trainTopK = trainTopK
            self.ranker = ranker
        }
    }

    /// A trained network and its accuracy.
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
        /// Every network trained with a result, in observation order: the ranker's training set.
        var trained: [TrainedNetwork]
        var proposed: [String]
        var outstanding: Int
        /// The current round's networks still to propose, best predicted first.
        var queue: [Network]
        var round: Int
        var roundProposals: Int
        var model: RNASModel?
    }

    private let space: any MutableSpace
    private let settings: Settings
    private let hyperparameters: [String: Double]
    private let budget: Int
    private let seed: UInt64
    private var state: State
    private var proposedSet: Set<String>

    /// Creates the strategy.
    ///
    /// - Parameters:
    ///   - space: where random networks and mutations come from (cells, NAS-Bench-201 cells or
    ///     sequential networks: any network `RNASFeatureTensor` encodes).
    ///   - settings: P, S, the warm-up, the rounds and the ranker.
    ///   - hyperparameters: the training hyperparameters every candidate gets.
    ///   - budget: the epoch budget of every candidate.
    ///   - seed: the run seed.
    public init(
        space: any MutableSpace, settings: Settings, hyperparameters: [String: Double], budget: Int, seed: UInt64
    ) {
        self.space = space
        self.settings = settings
        self.hyperparameters = hyperparameters
        self.budget = budget
        self.seed = seed
        self.state = State(
            // The stream of `RegularizedEvolution`, so that the warm-up proposes what plain evolution would.
            generator: SeededGenerator.derived(from: seed, stream: "regularized-evolution"), nextProposalID: 1,
            population: EvolutionPopulation(capacity: settings.population), trained: [], proposed: [],
            outstanding: 0, queue: [], round: 0, roundProposals: 0, model: nil)
        self.proposedSet = []
    }

    public var kind: String { "evolution" }

    public var phase: String {
        if state.round == 0 {
            return "warm-up (\(state.proposed.count)/\(settings.warmup) proposed, \(state.trained.count) trained)"
        }
        return "predictor round \(state.round) (\(state.roundProposals)/\(settings.cycles) after warm-up, "
            + "model on \(state.trained.count) networks)"
    }

    /// The model of the latest round, if any.
    public var model: RNASModel? { state.model }

    public mutating func propose() throws(StrategyError) -> Proposal {
        let network: Network
        if state.proposed.count < settings.warmup {
            network = try warmupNetwork()
        } else {
            if state.roundProposals >= settings.cycles { return .exhausted }
            if state.queue.isEmpty {
                // A round fits on every result so far: wait for the outstanding ones.
                if state.outstanding > 0 { return .waitForResults }
                try startRound()
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

    public func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    public mutating func restore(from snapshot: Data) throws(StrategyError) {
        state = try Self.decodeSnapshot(State.self, from: snapshot)
        proposedSet = Set(state.proposed)
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

    /// Plain regularized evolution's proposal (`RegularizedEvolution.propose`).
    private mutating func warmupNetwork() throws(StrategyError) -> Network {
        if state.population.isFull,
            let parent = state.population.tournamentWinner(sampleSize: settings.sampleSize, using: &state.generator)
        {
            return try unseenMutation(of: parent.network)
        }
        return try unseenRandomNetwork()
    }

    /// Fits the ranker on every trained network and queues the best-predicted unseen networks of an
    /// evolution on predicted fitness.
    private mutating func startRound() throws(StrategyError) {
        state.round += 1
        let count = min(settings.trainTopK, settings.cycles - state.roundProposals)
        guard state.trained.count >= 2 else {
            // Nothing to learn from (every warm-up trial failed): keep exploring at random.
            for _ in 0..<count { state.queue.append(try unseenRandomNetwork(excluding: state.queue)) }
            return
        }
        let scorer: RNASScorer
        do {
            let model = try RNASRanker.fit(
                inputs: state.trained.map { try RNASFeatureTensor.encode($0.network) },
                targets: state.trained.map(\.fitness), settings: settings.ranker,
                seed: seed &+ UInt64(state.round))
            state.model = model
            scorer = try model.makeScorer()
        } catch {
            throw .spaceExhausted("the RNAS ranker could not be fitted: \(error)")
        }
        var cache: [String: Double] = [:]
        let predict = { (network: Network) throws -> Double in
            let identity = network.canonicalNotation
            if let known = cache[identity] { return known }
            let value = try scorer.score(network)
            cache[identity] = value
            return value
        }
        var population = EvolutionPopulation(capacity: settings.population)
        for member in state.population.members {
            population.add(
                EvolutionPopulation.Member(
                    network: member.network, fitness: try scored(member.network, predict), proposalID: 0))
        }
        var history = population.members
        history += try population.evolve(
            cycles: settings.generations * settings.population, sampleSize: settings.sampleSize, space: space,
            using: &state.generator, fitness: predict)
        var queued = Set<String>()
        let ranked = history.enumerated().sorted { ($1.element.fitness, $0.offset) < ($0.element.fitness, $1.offset) }
        for (_, member) in ranked where state.queue.count < count {
            let identity = member.network.canonicalNotation
            guard !proposedSet.contains(identity), queued.insert(identity).inserted else { continue }
            state.queue.append(member.network)
        }
        while state.queue.count < count { state.queue.append(try unseenRandomNetwork(excluding: state.queue)) }
    }

    private func scored(_ network: Network, _ predict: (Network) throws -> Double) throws(StrategyError) -> Double {
        do {
            return try predict(network)
        } catch {
            throw .spaceExhausted("fitness of \(network.notation): \(error)")
        }
    }

    private mutating func unseenRandomNetwork(excluding extra: [Network] = []) throws(StrategyError) -> Network {
        let excluded = Set(extra.map(\.canonicalNotation))
        for _ in 0..<RegularizedEvolution.maxRedraws {
            let network = try space.sampleNetwork(using: &state.generator)
            let identity = network.canonicalNotation
            if !proposedSet.contains(identity), !excluded.contains(identity) { return network }
        }
        throw .spaceExhausted(
            "\(RegularizedEvolution.maxRedraws) random draws gave only networks already proposed")
    }

    private mutating func unseenMutation(of parent: Network) throws(StrategyError) -> Network {
        var child = try space.mutateNetwork(parent, using: &state.generator)
        for _ in 0..<RegularizedEvolution.maxRedraws {
            if !proposedSet.contains(child.canonicalNotation) { return child }
            child = try space.mutateNetwork(child, using: &state.generator)
        }
        throw .spaceExhausted(
            "\(RegularizedEvolution.maxRedraws) mutations from \(parent.notation) gave only networks already proposed")
    }
}
