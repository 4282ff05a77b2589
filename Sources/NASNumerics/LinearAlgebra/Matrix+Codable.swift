extension Matrix: Codable {
    private enum CodingKeys: String, CodingKey {
        case rows, columns, values
    }

    /// Decodes `{"rows": R, "columns": C, "values": [...]}` and checks that the shape fits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let values = try container.decode([Double].self, forKey: .values)
        do {
            try self.init(rowCount: rows, columnCount: columns, values: values)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rowCount, forKey: .rows)
        try container.encode(columnCount, forKey: .columns)
        try container.encode(values, forKey: .values)
    }
}
