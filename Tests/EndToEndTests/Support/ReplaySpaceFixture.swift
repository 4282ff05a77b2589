import Foundation
import NASCore

/// A small MetaQNN space enumerated exhaustively, with a made-up learning curve for every network
/// in it, written as a curves file (docs/curves-format.md) for the `replay` trainer: whatever the
/// random strategy proposes, the replay trainer has its curve, so a run over this space is fully
/// deterministic.
struct ReplaySpaceFixture {
    /// The space's options, as written in the run configuration's `space` section.
    var filters: [Int]
    var kernels: [Int]
    var pools: [[Int]]
    var fullyConnectedSizes: [Int]
    var maxDepth: Int
    var input: [Int]
    var classes: Int

    /// The `space:` section of a run configuration for this space.
    var yaml: String {
        """
        space:
          kind: metaqnn
          filters: \(filters)
          kernels: \(kernels)
          pools: \(pools)
          fc_sizes: \(fullyConnectedSizes)
          max_depth: \(maxDepth)
          input: \(input)
          classes: \(classes)
        """
    }

    /// The space as the daemon builds it from `yaml` (SearchSetup.makeSampler).
    func makeSpace() throws -> MetaQNNSpace {
        var configuration = MetaQNNSpace.Configuration()
        configuration.inputChannels = input[0]
        configuration.inputSize = min(input[1], input[2])
        configuration.classes = classes
        configuration.maxDepth = maxDepth
        configuration.filterCounts = filters
        configuration.kernelSizes = kernels
        configuration.poolings = pools.map { MetaQNNSpace.Pooling(kernel: $0[0], stride: $0[1]) }
        configuration.fullyConnectedSizes = fullyConnectedSizes
        return try MetaQNNSpace(configuration: configuration)
    }

    /// Every network of the space, by canonical notation, sorted: a depth-first walk over
    /// `legalActions(from:)` from the start state to every terminal state.
    func enumerateNetworks() throws -> [String] {
        let space = try makeSpace()
        var networks = Set<String>()
        var stack: [[MetaQNNState]] = [[space.startState]]
        while let trajectory = stack.popLast() {
            guard let last = trajectory.last else { continue }
            if last.isTerminal {
                networks.insert(space.architecture(of: trajectory).canonicalNotation)
                continue
            }
            for next in space.legalActions(from: last) {
                stack.append(trajectory + [next])
            }
        }
        return networks.sorted()
    }

    /// One curves-file line per network: `epochs` accuracies rising to a final accuracy that no
    /// other network shares (a seeded permutation of evenly spaced values in [0.2, 0.9]), so the
    /// best trial is unambiguous.
    func curvesFile(epochs: Int, seed: UInt64) throws -> (text: String, finalAccuracy: [String: Double]) {
        let networks = try enumerateNetworks()
        var generator = SplitMix64(seed: seed)
        let ranks = Array(0..<networks.count).shuffled(using: &generator)
        var finalAccuracy: [String: Double] = [:]
        var lines: [String] = []
        for (network, rank) in zip(networks, ranks) {
            let final = 0.2 + 0.7 * Double(rank) / Double(max(networks.count - 1, 1))
            let curve = (1...epochs).map { epoch in
                String(format: "%.6f", final * (0.5 + 0.5 * Double(epoch) / Double(epochs)))
            }
            finalAccuracy[network] = Double(curve[curve.count - 1])
            lines.append("{\"arch\":\"\(network)\",\"curve\":[\(curve.joined(separator: ","))]}")
        }
        return (lines.joined(separator: "\n") + "\n", finalAccuracy)
    }
}
