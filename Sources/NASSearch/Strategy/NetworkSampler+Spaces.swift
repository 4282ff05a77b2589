import NASCore

extension MetaQNNSpace: NetworkSampler {
    /// A random MetaQNN network (`sample(using:)`), as a sequential network.
    public func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network {
        do {
            return .sequential(try sample(using: &generator))
        } catch {
            throw .spaceExhausted("\(error)")
        }
    }
}

extension BlockSpace: NetworkSampler {
    /// A random block network (`sample(using:)`), as a sequential network.
    public func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network {
        do {
            return .sequential(try sample(using: &generator))
        } catch {
            throw .spaceExhausted("\(error)")
        }
    }
}

extension CellSpace: NetworkSampler {
    /// A random valid cell (`sample(using:)`, already pruned).
    public func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network {
        do {
            return .cell(try sample(using: &generator))
        } catch {
            throw .spaceExhausted("\(error)")
        }
    }
}

extension NASBench201Space: NetworkSampler {
    /// A uniformly random NAS-Bench-201 cell (`sample(using:)`).
    public func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network {
        .nb201(sample(using: &generator))
    }
}
