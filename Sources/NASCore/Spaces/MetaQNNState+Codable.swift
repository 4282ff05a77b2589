extension MetaQNNState: Codable {
    /// A state is stored as the array of its fields in the order of the original code's
    /// `State.as_tuple()` (plus the consecutive-FC count): `["conv", 3, 64, 3, 1, 8, 0, 0, false]`.
    /// Compact, because a MetaQNN snapshot holds every state of its Q-table.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(layerType.rawValue)
        for field in [layerDepth, filterDepth, filterSize, stride, imageSize, fcSize, consecutiveFullyConnected] {
            try container.encode(field)
        }
        try container.encode(isTerminal)
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let name = try container.decode(String.self)
        guard let type = LayerType(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown MetaQNN layer type '\(name)'")
        }
        self.init(
            layerType: type, layerDepth: try container.decode(Int.self), filterDepth: try container.decode(Int.self),
            filterSize: try container.decode(Int.self), stride: try container.decode(Int.self),
            imageSize: try container.decode(Int.self), fcSize: try container.decode(Int.self),
            consecutiveFullyConnected: try container.decode(Int.self), isTerminal: try container.decode(Bool.self))
    }
}
