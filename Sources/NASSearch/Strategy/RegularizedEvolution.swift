import Foundation
import NASCore

/// Regularized (aging) evolution (Real et al. 2019, Algorithm 1; ALGORITHMS.md §6 for the
/// NAS-Bench-201 settings P = 10, S = 3).
///
/// Until the population holds P trained networks, every proposal is a random network of the space;
/// after that, each proposal mutates the fittest of S members drawn uniformly (with replacement)
/// from the current population. A result joins the population when it arrives and the oldest
/// member dies. Asynchronous as in the paper: proposals never wait for results (a free worker gets
/// a random network while the population is filling, a mutation of the population as it stands
/// afterwards), and results are incorporated in the order they arrive.
///
/// No network is proposed twice: a random draw or an offspring whose identity
/// (`Network.canonicalNotation`) was already proposed is drawn again or mutated again.
/// A failed trial never joins the population. The run ends (`.exhausted`) after `cycles` offspring.
///
/// Deterministic given the seed and the order of observations; `snapshot()` holds the whole state.
public struct RegularizedEvolution: SearchStrategy {
    /// The strategy's settings (`strategy:` keys `population`, `sample_size`, `cycles`).
    public struct Settings: Hashable, Sendable {
        /// P.
        public var population: Int
        /// S, the tournament size.
        public var sampleSize: Int
        /// Offspring (mutations) proposed before the run ends; the random population comes first.
        public var cycles: Int

        /// Creates the settings.
        public init(population: Int, sampleSize: Int, cycles: Int) {
            self.population = population
            self.sampleSize = sampleSize
            self.cycles = cycles
        }
    }

    private struct State: Codable, Hashable {
        var generator: SeededGenerator
        var nextProposalID: Int
        var population: EvolutionPopulation
        /// Every proposed network's identity, in proposal order (an array, so that the snapshot's
        /// bytes are a function of the history).
        var proposed: [String]
        var randomProposals: Int
        var offspringProposals: Int
        var observed: Int
    }

    /// How many times a duplicate draw or offspring is redrawn or mutated again before the space
    /// counts as exhausted.
    public static let maxRedraws = 1000

    private let space: any MutableSpace
    private let settings: Settings
    private let hyperparameters: HyperparameterSpace
    private let budget: Int
    private var state: State
    /// `state.proposed` as a set, rebuilt on restore.
    private var proposedSet: Set<String>

    /// Creates a regularized evolution.
    ///
    /// - Parameters:
    ///   - space: where random networks and mutations come from.
    ///   - settings: P, S and the number of offspring.
    ///   - hyperparameters: the training hyperparameters: searched ones are drawn for a random
    ///     network and inherited by an offspring, which mutates either its architecture or (with
    ///     probability ½, when any is searched) one hyperparameter.
    ///   - budget: the epoch budget of every candidate.
    ///   - seed: the run seed.
    public init(
        space: any MutableSpace, settings: Settings, hyperparameters: HyperparameterSpace, budget: Int, seed: UInt64
    ) {
        self.space = space
        self.settings = settings
        self.hyperparameters = hyperparameters
        self.budget = budget
        self.state = State(
            generator: SeededGenerator.derived(from: seed, stream: "regularized-evolution"), nextProposalID: 1,
            population: EvolutionPopulation(capacity: settings.population), proposed: [], randomProposals: 0,
            offspringProposals: 0, observed: 0)
        self.proposedSet = []
    }

    public var kind: String { "evolution" }

    public var phase: String {
        let population = state.population
        if !population.isFull {
            return "filling the population (\(population.members.count)/\(population.capacity) trained, "
                + "\(state.randomProposals) random)"
        }
        return "evolving (\(state.offspringProposals)/\(settings.cycles) offspring, population \(population.capacity))"
    }

    /// The current population, oldest first.
    public var population: EvolutionPopulation { state.population }

    public mutating func propose() throws(StrategyError) -> Proposal {
        if state.offspringProposals >= settings.cycles { return .exhausted }
        let child: Genome
        let generation: Int
        if state.population.isFull,
            let parent = state.population.tournamentWinner(sampleSize: settings.sampleSize, using: &state.generator)
        {
            let inherited = parent.hyperparameters ?? hyperparameters.fixedValues ?? [:]
            child = try offspring(of: Genome(network: parent.network, hyperparameters: inherited))
            state.offspringProposals += 1
            generation = (state.offspringProposals + settings.population - 1) / max(1, settings.population)
        } else {
            child = try randomGenome()
            state.randomProposals += 1
            generation = 0
        }
        let identity = identity(of: child)
        state.proposed.append(identity)
        proposedSet.insert(identity)
        let candidate = Candidate(
            proposalID: state.nextProposalID, network: child.network, hyperparameters: child.hyperparameters,
            budget: budget, phase: ProposalPhase(generation: generation))
        state.nextProposalID += 1
        return .train(candidate)
    }

    public mutating func observe(_ observation: Observation) {
        state.observed += 1
        guard let fitness = observation.outcome.reward else { return }
        state.population.add(
            EvolutionPopulation.Member(
                network: observation.candidate.network, fitness: fitness, proposalID: observation.proposalID,
                hyperparameters: hyperparameters.isSearched ? observation.candidate.hyperparameters : nil))
    }

    public func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    public mutating func restore(from snapshot: Data) throws(StrategyError) {
        state = try Self.decodeSnapshot(State.self, from: snapshot)
        proposedSet = Set(state.proposed)
    }

    /// A random network with drawn hyperparameters, not proposed before.
    private mutating func randomGenome() throws(StrategyError) -> Genome {
        for _ in 0..<Self.maxRedraws {
            let network = try space.sampleNetwork(using: &state.generator)
            let genome = Genome(network: network, hyperparameters: hyperparameters.sample(using: &state.generator))
            if !proposedSet.contains(identity(of: genome)) { return genome }
        }
        throw .spaceExhausted("\(Self.maxRedraws) random draws gave only networks already proposed")
    }

    /// A mutation of `parent` not proposed before: a duplicate child is mutated again.
    private mutating func offspring(of parent: Genome) throws(StrategyError) -> Genome {
        var child = try mutate(parent)
        for _ in 0..<Self.maxRedraws {
            if !proposedSet.contains(identity(of: child)) { return child }
            child = try mutate(child)
        }
        throw .spaceExhausted(
            "\(Self.maxRedraws) mutations from \(parent.network.notation) gave only networks already proposed")
    }

    /// What makes two proposals the same: the network's canonical notation, followed by the
    /// hyperparameters when they are searched (an architecture-only run's identities are the
    /// notations, as in snapshots written before hyperparameters could be searched).
    private func identity(of genome: Genome) -> String {
        guard hyperparameters.isSearched else { return genome.network.canonicalNotation }
        let values = genome.hyperparameters
        return genome.network.canonicalNotation + "|"
            + values.keys.sorted().map { "\($0)=\(values[$0] ?? 0)" }.joined(separator: ",")
    }

    /// One mutation: of the architecture, or — with probability ½ when hyperparameters are
    /// searched — of one searched hyperparameter. Without searched hyperparameters no coin is
    /// drawn, so such runs draw what they drew before hyperparameters could be searched.
    private mutating func mutate(_ genome: Genome) throws(StrategyError) -> Genome {
        var child = genome
        if hyperparameters.isSearched, Bool.random(using: &state.generator) {
            child.hyperparameters = hyperparameters.mutate(genome.hyperparameters, using: &state.generator)
        } else {
            child.network = try space.mutateNetwork(genome.network, using: &state.generator)
        }
        return child
    }

    /// Regularized evolution's next network (Real et al. 2019, Algorithm 1): a mutation of the
    /// fittest of S members drawn from a full population, otherwise a random network; never one
    /// in `proposed`. Predictor-driven evolution's warm-up proposes with it too.
    ///
    /// - Returns: the network and whether it is an offspring.
    static func nextNetwork(
        population: EvolutionPopulation, sampleSize: Int, space: any MutableSpace,
        using generator: inout SeededGenerator, proposed: Set<String>
    ) throws(StrategyError) -> (network: Network, isOffspring: Bool) {
        if population.isFull, let parent = population.tournamentWinner(sampleSize: sampleSize, using: &generator) {
            return (try unseenOffspring(of: parent.network, space: space, using: &generator, proposed: proposed), true)
        }
        return (try unseenRandomNetwork(space: space, using: &generator, excluding: proposed), false)
    }

    /// A random network whose identity is not in `excluded`.
    static func unseenRandomNetwork(
        space: any MutableSpace, using generator: inout SeededGenerator, excluding excluded: Set<String>
    ) throws(StrategyError) -> Network {
        for _ in 0..<maxRedraws {
            let network = try space.sampleNetwork(using: &generator)
            if !excluded.contains(network.canonicalNotation) { return network }
        }
        throw .spaceExhausted("\(maxRedraws) random draws gave only networks already proposed")
    }

    /// A mutation of `parent` not in `proposed`: a duplicate child is mutated again.
    static func unseenOffspring(
        of parent: Network, space: any MutableSpace, using generator: inout SeededGenerator, proposed: Set<String>
    ) throws(StrategyError) -> Network {
        var child = try space.mutateNetwork(parent, using: &generator)
        for _ in 0..<maxRedraws {
            if !proposed.contains(child.canonicalNotation) { return child }
            child = try space.mutateNetwork(child, using: &generator)
        }
        throw .spaceExhausted("\(maxRedraws) mutations from \(parent.notation) gave only networks already proposed")
    }
}

/// What regularized evolution mutates: a network and its training hyperparameters.
struct Genome: Hashable {
    var network: Network
    var hyperparameters: [String: Double]

}
