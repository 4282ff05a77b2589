extension Layer: Codable {
    /// The `type` names of the JSON form, in the order of the issue.
    public static let jsonTypeNames = [
        "conv", "maxpool", "avgpool", "fc", "gap", "softmax", "bn", "relu", "sigmoid", "tanh", "dropout",
    ]

    /// The JSON `type` of this layer (`conv`, `maxpool`, ..., `dropout`); `GAP(n)` is a `gap`
    /// with a `classes` field.
    public var jsonTypeName: String {
        switch self {
        case .convolution: return "conv"
        case .maxPool: return "maxpool"
        case .avgPool: return "avgpool"
        case .fullyConnected: return "fc"
        case .globalAveragePool, .classifierHead: return "gap"
        case .softmax: return "softmax"
        case .batchNorm: return "bn"
        case .relu: return "relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .dropout: return "dropout"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, filters, kernel, stride, units, classes, index, count
    }

    /// Decodes one layer object, e.g. `{"type": "conv", "filters": 64, "kernel": 3, "stride": 1}`.
    ///
    /// Fields by type (docs/architecture-model.md): `conv` filters, kernel, stride; `maxpool` and
    /// `avgpool` kernel, stride; `fc` units; `gap` optional classes (present: MetaQNN's `GAP(n)`
    /// classifier head); `softmax` classes; `dropout` optional index and count, together (absent:
    /// `D(1,1)`, rate 0.5); `bn`, `relu`, `sigmoid`, `tanh` none. Other fields are ignored.
    ///
    /// - Throws: `ArchitectureDecodingError` naming the field and, inside a list of layers, the
    ///   layer index.
    public init(from decoder: any Decoder) throws {
        do {
            self = try Self.decodeLayer(from: decoder)
        } catch var error as ArchitectureDecodingError {
            // Inside any list of layers (`[Layer]` as well as `Architecture`), name the index.
            error.layerIndex = error.layerIndex ?? decoder.codingPath.last?.intValue
            throw error
        }
    }

    private static func decodeLayer(from decoder: any Decoder) throws -> Layer {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw ArchitectureDecodingError(layerIndex: nil, field: "", problem: .notAnObject)
        }
        let fields = LayerFields(container: container)
        let type = try fields.string(.type)
        switch type {
        case "conv":
            return .convolution(
                filters: try fields.integer(.filters), kernel: try fields.integer(.kernel),
                stride: try fields.integer(.stride))
        case "maxpool": return .maxPool(kernel: try fields.integer(.kernel), stride: try fields.integer(.stride))
        case "avgpool": return .avgPool(kernel: try fields.integer(.kernel), stride: try fields.integer(.stride))
        case "fc": return .fullyConnected(units: try fields.integer(.units))
        case "gap":
            if let classes = try fields.optionalInteger(.classes) {
                return .classifierHead(classes: classes)
            } else {
                return .globalAveragePool
            }
        case "softmax": return .softmax(classes: try fields.integer(.classes))
        case "bn": return .batchNorm
        case "relu": return .relu
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "dropout":
            switch (try fields.optionalInteger(.index), try fields.optionalInteger(.count)) {
            case (let index?, let count?): return .dropout(index: index, count: count)
            case (nil, nil): return .dropout(index: 1, count: 1)
            case (_?, nil):
                throw ArchitectureDecodingError(layerIndex: nil, field: "count", problem: .givenWithout("index"))
            case (nil, _?):
                throw ArchitectureDecodingError(layerIndex: nil, field: "index", problem: .givenWithout("count"))
            }
        default:
            throw ArchitectureDecodingError(layerIndex: nil, field: "type", problem: .unknownType(type))
        }
    }

    /// Encodes the layer as a JSON object with its `type` and the fields of that type.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jsonTypeName, forKey: .type)
        switch self {
        case .convolution(let filters, let kernel, let stride):
            try container.encode(filters, forKey: .filters)
            try container.encode(kernel, forKey: .kernel)
            try container.encode(stride, forKey: .stride)
        case .maxPool(let kernel, let stride), .avgPool(let kernel, let stride):
            try container.encode(kernel, forKey: .kernel)
            try container.encode(stride, forKey: .stride)
        case .fullyConnected(let units):
            try container.encode(units, forKey: .units)
        case .classifierHead(let classes), .softmax(let classes):
            try container.encode(classes, forKey: .classes)
        case .dropout(let index, let count):
            try container.encode(index, forKey: .index)
            try container.encode(count, forKey: .count)
        case .globalAveragePool, .batchNorm, .relu, .sigmoid, .tanh:
            break
        }
    }

    /// Reads the fields of one layer object, turning `DecodingError`s into
    /// `ArchitectureDecodingError`s that name the field.
    private struct LayerFields {
        let container: KeyedDecodingContainer<CodingKeys>

        func string(_ key: CodingKeys) throws -> String {
            guard container.contains(key) else {
                throw ArchitectureDecodingError(layerIndex: nil, field: key.stringValue, problem: .missing)
            }
            do {
                return try container.decode(String.self, forKey: key)
            } catch {
                throw ArchitectureDecodingError(layerIndex: nil, field: key.stringValue, problem: .notAString)
            }
        }

        func integer(_ key: CodingKeys) throws -> Int {
            guard let value = try optionalInteger(key) else {
                throw ArchitectureDecodingError(layerIndex: nil, field: key.stringValue, problem: .missing)
            }
            return value
        }

        /// The integer at `key`, or `nil` when the field is absent or `null`.
        func optionalInteger(_ key: CodingKeys) throws -> Int? {
            guard container.contains(key) else { return nil }
            do {
                return try container.decodeIfPresent(Int.self, forKey: key)
            } catch {
                throw ArchitectureDecodingError(layerIndex: nil, field: key.stringValue, problem: .notAnInteger)
            }
        }
    }
}
