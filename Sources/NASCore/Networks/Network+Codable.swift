extension Network: Codable {
    private enum CodingKeys: String, CodingKey {
        case cell
    }

    /// JSON form: a sequential network as `Architecture` writes it (`{"layers": [...]}`), a cell
    /// as `{"cell": {"ops": [...], "adjacency": [[...]]}}` (`Cell`'s form). An object with a
    /// `cell` key is a cell; anything else is read as an architecture.
    ///
    /// - Throws: `DecodingError` for a malformed cell, `ArchitectureDecodingError` for malformed
    ///   layers.
    public init(from decoder: any Decoder) throws {
        let container = try? decoder.container(keyedBy: CodingKeys.self)
        if let container, container.contains(.cell) {
            self = .cell(try container.decode(Cell.self, forKey: .cell))
        } else {
            self = .sequential(try Architecture(from: decoder))
        }
    }

    /// Encodes `{"layers": [...]}` or `{"cell": {...}}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .sequential(let architecture):
            try architecture.encode(to: encoder)
        case .cell(let cell):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cell, forKey: .cell)
        }
    }
}
