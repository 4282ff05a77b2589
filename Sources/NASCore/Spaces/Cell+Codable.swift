extension Cell: Codable {
    private enum CodingKeys: String, CodingKey {
        case operations = "ops"
        case adjacency
    }

    /// JSON form `{"ops": ["input", "conv3x3-bn-relu", "output"], "adjacency": [[0,1,0],[0,0,1],[0,0,0]]}`:
    /// operation names (`CellOperation` raw values) and the 0/1 matrix.
    ///
    /// - Throws: `DecodingError` for a missing key, an unknown operation name, or a matrix that
    ///   does not form a valid cell (`CellError` in the debug description).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let names = try container.decode([String].self, forKey: .operations)
        var operations: [CellOperation] = []
        for (index, name) in names.enumerated() {
            guard let operation = CellOperation(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .operations, in: container,
                    debugDescription: "\(CellNotationError.unknownOperation(index: index, name: name))")
            }
            operations.append(operation)
        }
        let matrix = try container.decode([[Int]].self, forKey: .adjacency)
        do {
            try self.init(operations: operations, matrix: matrix)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .adjacency, in: container, debugDescription: "not a valid cell: \(error)")
        }
    }

    /// Encodes `{"ops": [...], "adjacency": [[...]]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(operations.map(\.rawValue), forKey: .operations)
        try container.encode(matrix, forKey: .adjacency)
    }
}
