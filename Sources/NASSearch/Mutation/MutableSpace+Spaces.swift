import NASCore

extension MetaQNNSpace: MutableSpace {
    /// Changes one layer's parameters, inserts or removes a layer (`mutate(_:using:)`), keeping a
    /// legal MetaQNN trajectory.
    public func mutateNetwork(_ network: Network, using generator: inout SeededGenerator) throws(StrategyError)
        -> Network
    {
        guard let architecture = network.architecture else {
            throw .mutationFailed("\(network.notation) is not a layer network of the metaqnn space")
        }
        do {
            return .sequential(try mutate(architecture, using: &generator))
        } catch {
            throw .mutationFailed("\(error)")
        }
    }
}

extension CellSpace: MutableSpace {
    /// Flips one edge or changes one operation (`mutate(_:using:)`), re-checking the limits.
    public func mutateNetwork(_ network: Network, using generator: inout SeededGenerator) throws(StrategyError)
        -> Network
    {
        guard let cell = network.cell else {
            throw .mutationFailed("\(network.notation) is not a NAS-Bench-101 cell")
        }
        do {
            return .cell(try mutate(cell, using: &generator))
        } catch {
            throw .mutationFailed("\(error)")
        }
    }
}

extension NASBench201Space: MutableSpace {
    /// Changes one edge's operation (`mutate(_:using:)`).
    public func mutateNetwork(_ network: Network, using generator: inout SeededGenerator) throws(StrategyError)
        -> Network
    {
        guard let cell = network.nb201Cell else {
            throw .mutationFailed("\(network.notation) is not a NAS-Bench-201 cell")
        }
        do {
            return .nb201(try mutate(cell, using: &generator))
        } catch {
            throw .mutationFailed("\(error)")
        }
    }
}
