import NASCore

/// The population of regularized ("aging") evolution (Real et al. 2019, Algorithm 1): at most
/// `capacity` networks with their fitness, oldest first; adding to a full population removes the
/// oldest, whatever its fitness.
///
/// It is separate from `RegularizedEvolution` so that a fitness function can stand in for
/// training: `evolve(cycles:sampleSize:space:using:fitness:)` runs the same tournament, mutation
/// and aging on predicted fitness (the predictor-driven variant, RNAS, ALGORITHMS.md §4).
public struct EvolutionPopulation: Hashable, Sendable, Codable {
    /// One individual: a network, its fitness (validation accuracy, or a prediction) and the
    /// proposal that produced it.
    public struct Member: Hashable, Sendable, Codable {
        /// The network.
        public var network: Network
        /// Higher is better.
        public var fitness: Double
        /// The strategy's proposal number (or, in `evolve`, the position in its history).
        public var proposalID: Int
        /// The training hyperparameters it was trained with, when they are searched (nil when they
        /// are fixed, and in snapshots written before they could be searched).
        public var hyperparameters: [String: Double]?

        /// Creates a member.
        public init(network: Network, fitness: Double, proposalID: Int, hyperparameters: [String: Double]? = nil) {
            self.network = network
            self.fitness = fitness
            self.proposalID = proposalID
            self.hyperparameters = hyperparameters
        }
    }

    /// P: the most members the population holds.
    public let capacity: Int
    /// The members, oldest first.
    public private(set) var members: [Member]

    /// Creates an empty population of capacity `capacity` (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.members = []
    }

    /// Whether the population holds `capacity` members.
    public var isFull: Bool { members.count >= capacity }

    /// Adds a member; when that makes the population exceed its capacity, the oldest member dies.
    ///
    /// - Returns: the member that died, if any.
    @discardableResult
    public mutating func add(_ member: Member) -> Member? {
        members.append(member)
        guard members.count > capacity else { return nil }
        return members.removeFirst()
    }

    /// The winner of a tournament: `sampleSize` members drawn uniformly with replacement (the
    /// sampled members stay in the population, as in Real et al.'s Algorithm 1), the fittest of
    /// them; among equals the first drawn. `nil` for an empty population.
    public func tournamentWinner(sampleSize: Int, using generator: inout SeededGenerator) -> Member? {
        guard !members.isEmpty else { return nil }
        var best: Member?
        for _ in 0..<max(1, sampleSize) {
            let candidate = members[Int.random(in: 0..<members.count, using: &generator)]
            if best.map({ candidate.fitness > $0.fitness }) ?? true { best = candidate }
        }
        return best
    }

    /// Runs `cycles` cycles of regularized evolution with `fitness` standing in for training:
    /// each cycle mutates a tournament winner, scores the child and adds it (the oldest dies).
    /// A population that is not yet full is first filled with random networks of `space`.
    ///
    /// - Parameters:
    ///   - cycles: how many children to produce after the population is full.
    ///   - sampleSize: S, the tournament size.
    ///   - space: where random networks and mutations come from.
    ///   - generator: all randomness.
    ///   - fitness: the score of a network (a predictor's output, or a tabular lookup).
    /// - Returns: every member scored, in order (the history of Real et al.'s Algorithm 1).
    /// - Throws: `StrategyError` from the space, or whatever `fitness` throws, as a `StrategyError`.
    public mutating func evolve(
        cycles: Int, sampleSize: Int, space: any MutableSpace, using generator: inout SeededGenerator,
        fitness: (Network) throws -> Double
    ) throws(StrategyError) -> [Member] {
        var history: [Member] = []
        func score(_ network: Network) throws(StrategyError) -> Member {
            do {
                return Member(network: network, fitness: try fitness(network), proposalID: history.count + 1)
            } catch {
                throw .spaceExhausted("fitness of \(network.notation): \(error)")
            }
        }
        while !isFull {
            let member = try score(try space.sampleNetwork(using: &generator))
            history.append(member)
            add(member)
        }
        for _ in 0..<max(0, cycles) {
            guard let parent = tournamentWinner(sampleSize: sampleSize, using: &generator) else { break }
            let member = try score(try space.mutateNetwork(parent.network, using: &generator))
            history.append(member)
            add(member)
        }
        return history
    }
}
