import NASCore

extension MetaQNNSpace: ArchitectureSampler {
    public func sampleArchitecture(using generator: inout SeededGenerator) throws(StrategyError) -> Architecture {
        do {
            return try sample(using: &generator)
        } catch {
            throw .spaceExhausted("\(error)")
        }
    }
}

extension BlockSpace: ArchitectureSampler {
    public func sampleArchitecture(using generator: inout SeededGenerator) throws(StrategyError) -> Architecture {
        do {
            return try sample(using: &generator)
        } catch {
            throw .spaceExhausted("\(error)")
        }
    }
}
