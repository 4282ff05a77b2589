import NASCore

/// NAS-Bench-201 as MetaQNN's decision process: a state is the ops chosen so far for the edges in
/// the benchmark's order (1←0, 2←0, 2←1, 3←0, 3←1, 3←2); from it, each of the space's operations
/// is a legal action for the next edge; the state with all six is terminal. So MetaQNN can be
/// compared with the benchmark's REINFORCE, which samples the same six choices.
extension NASBench201Space: SequentialDecisionSpace {
    public var startState: [NASBench201Operation] { [] }

    public func legalActions(from state: [NASBench201Operation]) -> [[NASBench201Operation]] {
        guard !isTerminal(state) else { return [] }
        return operations.map { state + [$0] }
    }

    public func isTerminal(_ state: [NASBench201Operation]) -> Bool {
        state.count >= NASBench201Cell.edges.count
    }

    public func network(of trajectory: [[NASBench201Operation]]) -> Network {
        .nb201(NASBench201Cell(unchecked: trajectory.last ?? []))
    }

    public func trajectory(of network: Network) throws(SequentialDecisionError) -> [[NASBench201Operation]] {
        guard let cell = network.nb201Cell else {
            throw .notInSpace(network: network.notation, reason: "not a NAS-Bench-201 cell")
        }
        guard contains(cell) else {
            throw .notInSpace(network: network.notation, reason: "an edge carries an operation outside the space")
        }
        return (0...cell.operations.count).map { Array(cell.operations.prefix($0)) }
    }
}
