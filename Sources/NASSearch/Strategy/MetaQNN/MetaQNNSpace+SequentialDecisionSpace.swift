import NASCore

extension MetaQNNSpace: SequentialDecisionSpace {
    public func isTerminal(_ state: MetaQNNState) -> Bool { state.isTerminal }

    /// The bucketed state (`bucketed(_:)`), the key of the original code's Q-table; legality
    /// depends only on it, so actions are numbered alike for every state with the same key.
    public func decisionKey(for state: MetaQNNState) -> MetaQNNState { bucketed(state) }

    /// The sequential network of the trajectory's layers (`architecture(of:)`).
    public func network(of trajectory: [MetaQNNState]) -> Network {
        .sequential(architecture(of: trajectory))
    }

    /// The trajectory of a sequential network (`trajectory(of:)` of its architecture; dropout is
    /// skipped).
    public func trajectory(of network: Network) throws(SequentialDecisionError) -> [MetaQNNState] {
        guard let architecture = network.architecture else {
            throw .notInSpace(network: network.notation, reason: "not a sequential network")
        }
        do {
            return try trajectory(of: architecture)
        } catch {
            throw .notInSpace(network: network.notation, reason: Self.reason(error))
        }
    }

    /// Whether the network is within `configuration.constraints` at `configuration.inputShape`.
    public func admits(_ network: Network) -> Bool {
        let constraints = configuration.constraints
        guard constraints.maxParameters != nil || constraints.maxMACs != nil else { return true }
        guard let architecture = network.architecture,
            let analysis = try? architecture.analyze(input: configuration.inputShape)
        else { return false }
        return constraints.admits(analysis)
    }

    private static func reason(_ error: MetaQNNTrajectoryError) -> String {
        switch error {
        case .layerNotInSpace(let index, let layer, let state):
            return "layer \(index) (\(layer.notation)) is not a legal action from \(state)"
        case .layerAfterSoftmax(let index): return "layer \(index) follows the softmax"
        case .missingSoftmax: return "it does not end in the softmax"
        }
    }
}
