// Interface contract for the architecture model, written first so that the search spaces and the
// built-in trainers can be built against it in parallel. The helper who owns the architecture
// model replaces this file with real implementations spread over one-concept files
// (Notation.swift, ArchitectureAnalysis.swift, Architecture+Codable.swift, ...), keeping these
// exact signatures.

/// Per-layer result of shape inference.
public struct LayerAnalysis: Hashable, Sendable {
    public var index: Int
    public var layer: Layer
    public var input: TensorShape
    public var output: TensorShape
    /// Trainable parameters of this layer (weights + bias; BN 2 per channel).
    public var parameters: Int
    /// Multiply-accumulates of this layer (convolution and FC layers; 0 for the others).
    public var macs: Int

    public init(index: Int, layer: Layer, input: TensorShape, output: TensorShape, parameters: Int, macs: Int) {
        self.index = index
        self.layer = layer
        self.input = input
        self.output = output
        self.parameters = parameters
        self.macs = macs
    }
}

/// Shapes, parameters and MACs of a whole network for one input shape.
public struct ArchitectureAnalysis: Hashable, Sendable {
    public var input: TensorShape
    public var layers: [LayerAnalysis]
    public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }
    public var macs: Int { layers.reduce(0) { $0 + $1.macs } }

    public init(input: TensorShape, layers: [LayerAnalysis]) {
        self.input = input
        self.layers = layers
    }
}

/// Why an architecture cannot be built: names the layer index and the reason.
public enum ArchitectureError: Error, Hashable, Sendable {
    case impossible(layerIndex: Int, reason: String)
    case noClassifier
}

/// Why a bracket-notation string could not be parsed: names the character offset.
public struct NotationError: Error, Hashable, Sendable {
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}

extension Architecture {
    /// Parses bracket notation such as `[C(64,3,1), P(2,2), SM(10)]`.
    public init(notation: String) throws(NotationError) {
        throw NotationError(offset: 0, message: "not implemented yet")
    }

    /// The bracket notation; `Architecture(notation: a.notation) == a` and, for any string `s`
    /// that parses, `Architecture(notation: s).notation == s` when `s` is in canonical spacing
    /// (`", "` between layers, no spaces inside parentheses), as MetaQNN wrote it.
    public var notation: String { "" }

    /// The identity of the network for "already trained?": the notation with dropout removed.
    public var canonicalNotation: String { "" }

    /// A stable hex hash (SHA-256) of `canonicalNotation`.
    public var canonicalHash: String { "" }

    /// Shape inference, parameter and MAC counts for an input shape, checking that every layer
    /// can be built.
    public func analyze(input: TensorShape) throws(ArchitectureError) -> ArchitectureAnalysis {
        throw .noClassifier
    }
}

extension Architecture: Codable {
    /// JSON form `{"layers": [{"type": "conv", "filters": 64, "kernel": 3, "stride": 1}, ...]}`.
    public init(from decoder: any Decoder) throws {
        self.init(layers: [])
    }

    public func encode(to encoder: any Encoder) throws {}
}

extension TensorShape: Codable {
    /// JSON form `[C,H,W]`.
    public init(from decoder: any Decoder) throws {
        self.init(channels: 0, height: 0, width: 0)
    }

    public func encode(to encoder: any Encoder) throws {}
}

/// SHA-256 (FIPS 180-4), for stable identities of networks and cells.
public enum SHA256 {
    /// The lowercase hex digest of the UTF-8 bytes of `string`.
    public static func hexDigest(of string: String) -> String { "" }
}
