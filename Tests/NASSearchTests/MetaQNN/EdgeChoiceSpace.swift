import NASCore
import NASSearch

/// A toy space shaped like NAS-Bench-201: `edges` edges, one of `operations` ops each, chosen in
/// edge order. A state is the ops chosen so far; the network is a stand-in sequential network
/// with one convolution per edge whose filter count names the op. It shows how little a space
/// needs to conform to `SequentialDecisionSpace`.
struct EdgeChoiceSpace: SequentialDecisionSpace {
    var edges: Int
    var operations: Int

    var startState: [Int] { [] }

    func legalActions(from state: [Int]) -> [[Int]] {
        isTerminal(state) ? [] : (0..<operations).map { state + [$0] }
    }

    func isTerminal(_ state: [Int]) -> Bool { state.count == edges }

    func network(of trajectory: [[Int]]) -> Network {
        let ops = trajectory.last ?? []
        return .sequential(
            Architecture(
                layers: ops.map { .convolution(filters: $0 + 1, kernel: 1, stride: 1) } + [.softmax(classes: 10)]))
    }

    func trajectory(of network: Network) throws(SequentialDecisionError) -> [[Int]] {
        guard let layers = network.architecture?.layers, layers.count == edges + 1 else {
            throw .notInSpace(network: network.notation, reason: "not \(edges) edges")
        }
        var ops: [Int] = []
        for layer in layers.dropLast() {
            guard case .convolution(let filters, _, _) = layer, (1...operations).contains(filters) else {
                throw .notInSpace(network: network.notation, reason: "\(layer) is no op")
            }
            ops.append(filters - 1)
        }
        return (0...edges).map { Array(ops.prefix($0)) }
    }

    /// The ops of a network of this space.
    func ops(of network: Network) -> [Int] {
        (network.architecture?.layers.dropLast() ?? []).compactMap {
            if case .convolution(let filters, _, _) = $0 { return filters - 1 }
            return nil
        }
    }
}
