extension TensorShape: Codable {
    /// JSON form `[C,H,W]`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` unless the value is a list of exactly three
    ///   integers. Whether they are positive is checked by `Architecture.analyze(input:)`.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var values: [Int] = []
        while !container.isAtEnd {
            values.append(try container.decode(Int.self))
        }
        guard values.count == 3 else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a shape [C,H,W] of three integers, found \(values.count)")
        }
        self.init(channels: values[0], height: values[1], width: values[2])
    }

    /// Encodes `[C,H,W]`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(channels)
        try container.encode(height)
        try container.encode(width)
    }
}
