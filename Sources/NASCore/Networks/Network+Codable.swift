extension Network: Codable {
    private enum CodingKeys: String, CodingKey {
        case cell
        case nb201Operations = "nb201_ops"
    }

    /// JSON form: a sequential network as `Architecture` writes it (`{"layers": [...]}`), a cell
    /// as `{"cell": {"ops": [...], "adjacency": [[...]]}}` (`Cell`'s form), a NAS-Bench-201 cell as
    /// `{"nb201_ops": [six op names]}` in edge order 1←0, 2←0, 2←1, 3←0, 3←1, 3←2. An object with
    /// a `cell` key is a cell, one with `nb201_ops` a NAS-Bench-201 cell; anything else is read as
    /// an architecture.
    ///
    /// - Throws: `DecodingError` for a malformed cell, `ArchitectureDecodingError` for malformed
    ///   layers.
    public init(from decoder: any Decoder) throws {
        let container = try? decoder.container(keyedBy: CodingKeys.self)
        if let container, container.contains(.cell) {
            self = .cell(try container.decode(Cell.self, forKey: .cell))
        } else if let container, container.contains(.nb201Operations) {
            let operations = try container.decode([NASBench201Operation].self, forKey: .nb201Operations)
            do {
                self = .nb201(try NASBench201Cell(operations: operations))
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .nb201Operations, in: container, debugDescription: "\(error)")
            }
        } else {
            self = .sequential(try Architecture(from: decoder))
        }
    }

    /// Encodes `{"layers": [...]}`, `{"cell": {...}}` or `{"nb201_ops": [...]}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .sequential(let architecture):
            try architecture.encode(to: encoder)
        case .cell(let cell):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cell, forKey: .cell)
        case .nb201(let cell):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cell.operations, forKey: .nb201Operations)
        }
    }
}
