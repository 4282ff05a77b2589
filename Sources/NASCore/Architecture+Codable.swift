extension Architecture: Codable {
    private enum CodingKeys: String, CodingKey {
        case layers
    }

    /// JSON form `{"layers": [{"type": "conv", "filters": 64, "kernel": 3, "stride": 1}, ...]}`.
    ///
    /// The layer objects are described at `Layer.init(from:)` and in docs/architecture-model.md.
    /// Decoding checks the JSON structure only; `analyze(input:)` checks that the network can be
    /// built. Other top-level fields are ignored.
    ///
    /// - Throws: `ArchitectureDecodingError` naming the layer index and the field.
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw ArchitectureDecodingError(layerIndex: nil, field: "layers", problem: .missing)
        }
        guard container.contains(.layers) else {
            throw ArchitectureDecodingError(layerIndex: nil, field: "layers", problem: .missing)
        }
        var list: any UnkeyedDecodingContainer
        do {
            list = try container.nestedUnkeyedContainer(forKey: .layers)
        } catch {
            throw ArchitectureDecodingError(layerIndex: nil, field: "layers", problem: .notAList)
        }
        var layers: [Layer] = []
        while !list.isAtEnd {
            let index = layers.count
            do {
                layers.append(try list.decode(Layer.self))
            } catch var error as ArchitectureDecodingError {
                error.layerIndex = index
                throw error
            } catch {
                throw ArchitectureDecodingError(layerIndex: index, field: "", problem: .notAnObject)
            }
        }
        self.init(layers: layers)
    }

    /// Encodes `{"layers": [...]}`, one object per layer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers, forKey: .layers)
    }
}
