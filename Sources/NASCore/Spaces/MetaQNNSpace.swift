/// The MetaQNN search space: layer sequences chosen one state at a time (Baker et al. 2017,
/// "Designing Neural Network Architectures using Reinforcement Learning", §3.2 and Table 1),
/// with the rules of the original code (`bowenbaker/metaqnn`, `state_enumerator.py`).
///
/// Transitions (`legalActions(from:)`):
/// - termination (the softmax) is legal from every non-terminal state;
/// - below the layer limit, from the start, a convolution or a pool: a convolution; the
///   `GAP(n)` head; an FC layer when the current size's bin is at most
///   `maxBinForFullyConnected`;
/// - a pool only after a convolution (not first, not after a pool, unless configured);
/// - from an FC layer: another FC layer with at most as many units, while fewer than
///   `maxConsecutiveFullyConnected` are in a row; else only termination;
/// - from `GAP(n)`: only termination;
/// - kernels and pools must be smaller than the current representation size's bin (the original
///   enumerates actions from the bucketed state) and than the size itself.
///
/// Legality depends only on the bucketed state, so a Q-table keyed by `bucketed(_:)` states is
/// consistent; the real size is carried along a trajectory to compute the next size.
public struct MetaQNNSpace: Sendable {
    /// The value sets and limits.
    public let configuration: Configuration

    /// Creates a space, checking its configuration.
    ///
    /// - Throws: `SpaceConfigurationError` when a value set is empty or a number not positive.
    public init(configuration: Configuration = .cifar10) throws(SpaceConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// The state before the first layer: depth 0, the input's representation size.
    public var startState: MetaQNNState {
        MetaQNNState(layerType: .start, layerDepth: 0, imageSize: configuration.inputSize)
    }

    /// The representation-size bin of `size`: the largest configured bin at most `size`, or the
    /// smallest bin when none is.
    public func representationBin(of size: Int) -> Int {
        let bins = configuration.representationSizeBins
        return bins.filter { $0 <= size }.max() ?? bins.min() ?? size
    }

    /// The state with its representation size replaced by the size's bin: the key of the
    /// original code's Q-table (`bucket_state`).
    public func bucketed(_ state: MetaQNNState) -> MetaQNNState {
        var bucketed = state
        bucketed.imageSize = representationBin(of: state.imageSize)
        return bucketed
    }

    /// Every state reachable from `state` in one action, termination first, then convolutions,
    /// `GAP(n)`, pools and FC layers (the original's enumeration order).
    ///
    /// A terminal state has no actions. The next states carry real representation sizes computed
    /// from `state.imageSize`.
    public func legalActions(from state: MetaQNNState) -> [MetaQNNState] {
        guard !state.isTerminal else { return [] }
        var termination = state
        termination.layerDepth += 1
        termination.isTerminal = true
        var actions = [termination]
        guard state.layerDepth < configuration.maxDepth else { return actions }

        let size = state.imageSize
        let bin = representationBin(of: size)
        let depth = state.layerDepth + 1
        let fits = { (kernel: Int) in kernel < bin && kernel < size }
        let isSpatial = state.layerType == .start || state.layerType == .convolution || state.layerType == .pooling

        if isSpatial {
            for filters in configuration.filterCounts {
                for kernel in configuration.kernelSizes where fits(kernel) {
                    for stride in configuration.convolutionStrides {
                        actions.append(
                            MetaQNNState(
                                layerType: .convolution, layerDepth: depth, filterDepth: filters, filterSize: kernel,
                                stride: stride, imageSize: (size + stride - 1) / stride))
                    }
                }
            }
            if configuration.allowsClassifierHead {
                actions.append(MetaQNNState(layerType: .globalAveragePooling, layerDepth: depth, imageSize: 1))
            }
        }

        let mayPool =
            state.layerType == .convolution
            || (state.layerType == .pooling && configuration.allowsConsecutivePooling)
            || (state.layerType == .start && configuration.allowsInitialPooling)
        if mayPool {
            for pooling in configuration.poolings where fits(pooling.kernel) {
                actions.append(
                    MetaQNNState(
                        layerType: .pooling, layerDepth: depth, filterSize: pooling.kernel, stride: pooling.stride,
                        imageSize: (size - pooling.kernel) / pooling.stride + 1))
            }
        }

        if isSpatial && bin <= configuration.maxBinForFullyConnected {
            for units in configuration.fullyConnectedSizes {
                actions.append(
                    MetaQNNState(
                        layerType: .fullyConnected, layerDepth: depth, imageSize: 0, fcSize: units,
                        consecutiveFullyConnected: 1))
            }
        }

        if state.layerType == .fullyConnected
            && state.consecutiveFullyConnected < configuration.maxConsecutiveFullyConnected
        {
            for units in configuration.fullyConnectedSizes where units <= state.fcSize {
                actions.append(
                    MetaQNNState(
                        layerType: .fullyConnected, layerDepth: depth, imageSize: 0, fcSize: units,
                        consecutiveFullyConnected: state.consecutiveFullyConnected + 1))
            }
        }
        return actions
    }

    /// The layer that entering `state` adds, in MetaQNN's notation: `C(d,f,l)`, `P(f,l)`,
    /// `FC(d)`, `GAP(n)`, or `SM(n)` for a terminal state; `nil` for the start.
    public func layer(for state: MetaQNNState) -> Layer? {
        if state.isTerminal { return .softmax(classes: configuration.classes) }
        switch state.layerType {
        case .start:
            return nil
        case .convolution:
            return .convolution(filters: state.filterDepth, kernel: state.filterSize, stride: state.stride)
        case .pooling:
            return .maxPool(kernel: state.filterSize, stride: state.stride)
        case .fullyConnected:
            return .fullyConnected(units: state.fcSize)
        case .globalAveragePooling:
            return .classifierHead(classes: configuration.classes)
        }
    }

    /// The network a trajectory describes: one layer per state after the start.
    public func architecture(of trajectory: [MetaQNNState]) -> Architecture {
        Architecture(layers: trajectory.compactMap { layer(for: $0) })
    }

    /// The trajectory (start state first, terminal state last) that produces `architecture`,
    /// checking that every layer is a legal action; dropout layers `D(i,n)` are skipped, as the
    /// original code's `remove_drop_out_states` does before a Q-learning replay.
    ///
    /// - Throws: `MetaQNNTrajectoryError` naming the first layer the space does not allow.
    public func trajectory(of architecture: Architecture) throws(MetaQNNTrajectoryError) -> [MetaQNNState] {
        var states = [startState]
        for (index, layer) in architecture.layers.enumerated() {
            if case .dropout = layer { continue }
            let current = states[states.count - 1]
            guard !current.isTerminal else { throw .layerAfterSoftmax(index: index) }
            guard let next = legalActions(from: current).first(where: { self.layer(for: $0) == layer }) else {
                throw .layerNotInSpace(index: index, layer: layer, from: current)
            }
            states.append(next)
        }
        guard states[states.count - 1].isTerminal else { throw .missingSoftmax }
        return states
    }

    /// A uniformly random walk from the start to termination: at every step each legal action is
    /// equally likely (MetaQNN's policy at ε = 1).
    ///
    /// - Returns: the states visited, start first and terminal last.
    public func sampleTrajectory(using generator: inout some RandomNumberGenerator) -> [MetaQNNState] {
        var state = startState
        var states = [state]
        while !state.isTerminal {
            let actions = legalActions(from: state)
            // Never empty: termination is legal from every non-terminal state.
            state = actions[Int.random(in: 0..<actions.count, using: &generator)]
            states.append(state)
        }
        return states
    }

    /// A uniformly random complete network (ε = 1) within the configured constraints.
    ///
    /// Walks are drawn until one's network is within `configuration.constraints` (parameters and
    /// MACs at `configuration.inputShape`), at most `maxSamplingAttempts` times.
    ///
    /// - Throws: `SpaceSamplingError.noArchitectureWithinConstraints` when no attempt fits.
    public func sample(using generator: inout some RandomNumberGenerator) throws(SpaceSamplingError) -> Architecture {
        try ConstrainedSampling.sample(
            space: "metaqnn",
            input: configuration.inputShape,
            constraints: configuration.constraints,
            maxAttempts: configuration.maxSamplingAttempts
        ) {
            architecture(of: sampleTrajectory(using: &generator))
        }
    }
}
