import Foundation
import NASCore

/// Random search: every proposal is an independent uniform draw from the space (and from the
/// searched hyperparameters' ranges).
///
/// The natural baseline of every NAS paper; it has no natural end, so the run's end criteria
/// (max trials, max epochs, deadline, target accuracy) stop it.
public struct RandomSearch: SearchStrategy {
    private struct State: Codable, Hashable {
        var generator: SeededGenerator
        var nextProposalID: Int
        var observed: Int
    }

    private let sampler: any NetworkSampler
    private let hyperparameters: HyperparameterSpace
    private let budget: Int
    private var state: State

    /// Creates a random search.
    ///
    /// - Parameters:
    ///   - sampler: the space to draw from.
    ///   - hyperparameters: the training hyperparameters; searched ones are drawn per candidate.
    ///   - budget: the epoch budget of every candidate.
    ///   - seed: the run seed.
    public init(sampler: any NetworkSampler, hyperparameters: HyperparameterSpace, budget: Int, seed: UInt64) {
        self.sampler = sampler
        self.hyperparameters = hyperparameters
        self.budget = budget
        self.state = State(
            generator: SeededGenerator.derived(from: seed, stream: "random-search"), nextProposalID: 1, observed: 0)
    }

    public var kind: String { "random" }

    public var phase: String { "sampling (\(state.nextProposalID - 1) proposed, \(state.observed) observed)" }

    public mutating func propose() throws(StrategyError) -> Proposal {
        let network = try sampler.sampleNetwork(using: &state.generator)
        let candidate = Candidate(
            proposalID: state.nextProposalID, network: network,
            hyperparameters: hyperparameters.sample(using: &state.generator), budget: budget)
        state.nextProposalID += 1
        return .train(candidate)
    }

    public mutating func observe(_ observation: Observation) {
        state.observed += 1
    }

    public func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    public mutating func restore(from snapshot: Data) throws(StrategyError) {
        state = try Self.decodeSnapshot(State.self, from: snapshot)
    }
}
