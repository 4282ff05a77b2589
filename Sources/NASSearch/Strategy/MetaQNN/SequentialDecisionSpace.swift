import NASCore

/// A search space whose networks are built by a sequence of choices: from a start state, each
/// step takes one of the legal actions until a terminal state is reached (MetaQNN's Markov
/// decision process, Baker et al. 2017 §3). `MetaQNN` searches any such space.
///
/// An action is named by the state it leads to, and actions are numbered by their position in
/// `legalActions(from:)`. The Q-table is keyed by `decisionKey(for:)`, so a conforming space must
/// keep this contract: two states with the same decision key have the same number of legal
/// actions, and action i means the same choice from both (the MetaQNN space keys by the bucketed
/// representation size, on which legality depends; a space without bucketing keys by the state
/// itself, the default).
///
/// A NAS-Bench-201-like cell conforms with a state that holds the ops chosen so far: start = no
/// edge chosen, `legalActions` = the state with one more edge's op for each op, terminal when all
/// six edges are chosen, `network(of:)` the cell of the terminal state.
public protocol SequentialDecisionSpace: Sendable {
    /// One state of the decision process.
    associatedtype State: Hashable & Sendable & Codable

    /// The state before the first choice.
    var startState: State { get }

    /// The states reachable from `state` in one step, in a fixed order; empty only for a
    /// terminal state.
    func legalActions(from state: State) -> [State]

    /// Whether `state` ends a trajectory.
    func isTerminal(_ state: State) -> Bool

    /// The Q-table's key for `state` (see the contract above). Default: the state itself.
    func decisionKey(for state: State) -> State

    /// The network a complete trajectory (start first, terminal last) builds.
    func network(of trajectory: [State]) -> Network

    /// The trajectory (start first, terminal last) that builds `network`.
    ///
    /// - Throws: `SequentialDecisionError.notInSpace` when some choice is not a legal action.
    func trajectory(of network: Network) throws(SequentialDecisionError) -> [State]

    /// Whether `network` is within the space's limits (parameters, MACs); a network that is not
    /// is never proposed. Default: every network is.
    func admits(_ network: Network) -> Bool
}

extension SequentialDecisionSpace {
    public func decisionKey(for state: State) -> State { state }

    public func admits(_ network: Network) -> Bool { true }
}

/// Why a network is not a trajectory of a `SequentialDecisionSpace`.
public enum SequentialDecisionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The network cannot be built by legal actions of the space.
    case notInSpace(network: String, reason: String)

    public var description: String {
        switch self {
        case .notInSpace(let network, let reason): return "\(network) is not in the space: \(reason)"
        }
    }
}
