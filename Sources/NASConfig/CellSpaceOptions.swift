import NASCore

/// The value sets of the NAS-Bench-101-style cell space (ALGORITHMS.md §4).
public struct CellSpaceOptions: Hashable, Sendable {
    /// `max_nodes`: including input and output. Default 7.
    public var maxNodes: Int
    /// `max_edges`: default 9.
    public var maxEdges: Int
    /// `ops`: the operations a node may take. Default all three.
    public var operations: [CellOperation]
    /// `input`: `[C, H, W]`. Default [3, 32, 32].
    public var input: TensorShape
    /// `classes`: default 10.
    public var classes: Int

    /// Creates the options; every argument defaults to NAS-Bench-101's value.
    public init(
        maxNodes: Int = 7, maxEdges: Int = 9, operations: [CellOperation] = CellOperation.allCases,
        input: TensorShape = .cifar, classes: Int = 10
    ) {
        self.maxNodes = maxNodes
        self.maxEdges = maxEdges
        self.operations = operations
        self.input = input
        self.classes = classes
    }

    static let keys = ["max_nodes", "max_edges", "ops", "input", "classes"]

    init(map: MapDecoder) throws(ConfigError) {
        let defaults = CellSpaceOptions()
        maxNodes = try map.integer("max_nodes", default: defaults.maxNodes, .atLeast(2))
        maxEdges = try map.integer("max_edges", default: defaults.maxEdges, .atLeast(1))
        operations = try map.choices("ops", default: defaults.operations)
        input = try map.optionalShape("input") ?? defaults.input
        classes = try map.integer("classes", default: defaults.classes, .atLeast(2))
    }
}

/// An operation of a NAS-Bench-101 cell node.
public enum CellOperation: String, Hashable, Sendable, CaseIterable {
    /// 3×3 convolution, batch norm, ReLU.
    case conv3x3
    /// 1×1 convolution, batch norm, ReLU.
    case conv1x1
    /// 3×3 max pooling.
    case maxpool3x3
}
