extension MetaQNNSpace {
    /// A mutation of a MetaQNN network that is again a legal MetaQNN trajectory within the
    /// constraints (regularized evolution over layer networks, Real et al. 2019, with the
    /// mutations of issue 7 §2): one of, chosen uniformly,
    ///
    /// - change one layer's parameters: the layer at a random position is replaced by another
    ///   legal action of the same kind from the state before it (another filter count, kernel,
    ///   pool or FC size);
    /// - insert a layer: a random legal non-terminal action is inserted at a random position;
    /// - remove a layer: a random layer other than the softmax is removed.
    ///
    /// The result must replay as a trajectory of the space (`trajectory(of:)`: every layer a legal
    /// action from the one before, the layer limit kept), differ from the network (dropout layers
    /// are dropped first: they are not part of its identity) and satisfy `constraints`; a draw that
    /// fails is redrawn, at most `maxSamplingAttempts` times.
    ///
    /// - Throws: `SpaceMutationError.networkNotInSpace` when `architecture` is not a trajectory of
    ///   the space, `.noLegalMutation` when no attempt succeeds.
    public func mutate(
        _ architecture: Architecture, using generator: inout some RandomNumberGenerator
    ) throws(SpaceMutationError) -> Architecture {
        let parent = architecture.canonical
        let states: [MetaQNNState]
        do {
            states = try trajectory(of: parent)
        } catch {
            throw .networkNotInSpace(space: "metaqnn", notation: architecture.notation)
        }
        // states[0] is the start, states[1..<last] the body, states[last] the softmax.
        let last = states.count - 1
        let layers = parent.layers
        for _ in 0..<configuration.maxSamplingAttempts {
            var body = Array(layers.dropLast())
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                guard last > 1 else { continue }
                let position = Int.random(in: 1..<last, using: &generator)
                let current = states[position]
                let alternatives = legalActions(from: states[position - 1]).filter {
                    !$0.isTerminal && $0.layerType == current.layerType && layer(for: $0) != layer(for: current)
                }
                guard let replacement = alternatives.randomElement(using: &generator).flatMap(layer(for:)) else {
                    continue
                }
                body[position - 1] = replacement
            case 1:
                let position = Int.random(in: 1...last, using: &generator)
                let insertions = legalActions(from: states[position - 1]).filter { !$0.isTerminal }
                guard let inserted = insertions.randomElement(using: &generator).flatMap(layer(for:)) else {
                    continue
                }
                body.insert(inserted, at: position - 1)
            default:
                guard last > 1 else { continue }
                body.remove(at: Int.random(in: 0..<(last - 1), using: &generator))
            }
            let child = Architecture(layers: body + [layers[layers.count - 1]])
            guard child.canonicalNotation != parent.canonicalNotation, (try? trajectory(of: child)) != nil else {
                continue
            }
            if configuration.constraints.maxParameters != nil || configuration.constraints.maxMACs != nil {
                guard let analysis = try? child.analyze(input: configuration.inputShape),
                    configuration.constraints.admits(analysis)
                else { continue }
            }
            return child
        }
        throw .noLegalMutation(
            space: "metaqnn", notation: architecture.notation, attempts: configuration.maxSamplingAttempts)
    }
}
